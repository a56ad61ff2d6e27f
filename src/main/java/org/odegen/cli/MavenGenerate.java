package org.odegen.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code mvn generate} runs (exec:java, in Maven's JVM): checks the {@code -D} properties the user gave, turns the
 * generator's into {@code odegen generate} options, and runs it. Maven itself ignores a property nobody reads, so a
 * misspelt one ({@code -Dnetwok}) used to generate the default ODEBlock: here it is an error.
 */
public final class MavenGenerate {
    /** The generator's properties, in the README's order, and the option of {@code odegen generate} each becomes. */
    static final Map<String, String> PROPERTIES = new LinkedHashMap<>();

    static {
        for (String p : new String[] {"layer", "network", "depth", "lanes", "macsPerLane", "out", "norm", "format", "width",
            "frac", "timeChannel", "solver", "estimate", "model", "weights", "force"}) {
            PROPERTIES.put(p, p.equals("timeChannel") ? "--time-channel" : p.equals("macsPerLane") ? "--macs-per-lane" : "--" + p);
        }
    }

    /**
     * Maven's and its plugins' user properties without a dot that a build of this project may be given; any name
     * with a dot (maven.repo.local, style.color, report.out) is Maven's or a plugin's and always allowed.
     */
    static final List<String> MAVEN_PROPERTIES = List.of("skipTests", "test", "argLine", "failIfNoTests",
            "trimStackTrace", "revision", "changelist", "sha1");

    private MavenGenerate() {
    }

    /**
     * The names of the {@code -D} properties on Maven's command line, in order, as the {@code mvn} script exports it
     * in MAVEN_CMD_LINE_ARGS (the arguments joined by spaces): {@code -Dname=value}, {@code -Dname}, {@code -D name=value},
     * {@code --define name=value}, {@code --define=name=value}.
     */
    static List<String> propertyNames(String mavenCommandLine) {
        List<String> names = new ArrayList<>();
        String[] tokens = mavenCommandLine.strip().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            String def = null;
            if (t.equals("-D") || t.equals("--define")) {
                def = i + 1 < tokens.length ? tokens[++i] : null;
            } else if (t.startsWith("--define=")) {
                def = t.substring("--define=".length());
            } else if (t.startsWith("-D")) {
                def = t.substring(2);
            }
            if (def != null && !def.isEmpty()) {
                int eq = def.indexOf('=');
                names.add(eq < 0 ? def : def.substring(0, eq));
            }
        }
        return names;
    }

    /** Refuses every name that is neither the generator's nor Maven's, naming the nearest property and all of them. */
    static void checkNames(List<String> names) {
        List<String> unknown = new ArrayList<>();
        for (String n : new LinkedHashSet<>(names)) {
            if (!PROPERTIES.containsKey(n) && !n.contains(".") && !MAVEN_PROPERTIES.contains(n)) {
                String near = nearest(n);
                unknown.add("-D" + n + (near != null ? " (did you mean -D" + near + "?)" : ""));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown propert" + (unknown.size() == 1 ? "y " : "ies ")
                    + String.join(", ", unknown) + "; the properties are: " + String.join(", ", PROPERTIES.keySet())
                    + " (and Maven's: any name with a dot, " + String.join(", ", MAVEN_PROPERTIES) + ")");
        }
    }

    /** The generator's property within two edits of the name (case aside), the first in order on a tie; or null. */
    static String nearest(String name) {
        String best = null;
        int bestDistance = 3;
        for (String p : PROPERTIES.keySet()) {
            int d = Main.distance(name.toLowerCase(Locale.ROOT), p.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = p;
                bestDistance = d;
            }
        }
        return best;
    }

    /**
     * The arguments of {@code odegen generate} for the pom's {@code name=value} pairs (every generator property, empty
     * when the user did not set it, since the pom's defaults are empty): a property is given when named on Maven's
     * command line or non-empty (a settings profile, or Maven not started by its script), so the command's defaults
     * and its checks of what goes together see exactly what the user asked for.
     */
    static List<String> generateArguments(List<String> pairs, Set<String> named) {
        List<String> args = new ArrayList<>(List.of("generate"));
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            String option = PROPERTIES.get(name);
            if (option == null) {
                throw new IllegalStateException("pom.xml forwards '" + pair + "', not a property of " + PROPERTIES.keySet());
            }
            if (named.contains(name) || !value.isEmpty()) {
                args.add(option + "=" + value);
            }
        }
        return args;
    }

    /**
     * Runs {@code mvn generate}: the property check, then {@code odegen generate}, whose error lines name the
     * {@code -D} properties instead of its options. Returns the exit code.
     */
    static int run(List<String> pairs, String mavenCommandLine, PrintWriter out, PrintWriter err) {
        List<String> named = mavenCommandLine != null ? propertyNames(mavenCommandLine) : List.of();
        try {
            checkNames(named);
        } catch (IllegalArgumentException e) {
            err.println("odegen generate: error: " + e.getMessage());
            err.flush();
            return Main.USAGE_ERROR;
        }
        PrintWriter mavenErr = new PrintWriter(new PropertyNames(err), true);
        var cl = Main.commandLine();
        cl.setOut(out);
        cl.setErr(mavenErr);
        int exit = cl.execute(generateArguments(pairs, new LinkedHashSet<>(named)).toArray(String[]::new));
        mavenErr.flush();
        return exit;
    }

    /**
     * Ends Maven with the generator's exit code on failure, so that bad input is its one line and exit 2 as from
     * {@code ./odegen}; exec:exec would add Maven's ExecuteException trace and exit 1. On success it returns, and
     * Maven ends the build as usual.
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int exit = run(List.of(args), System.getenv("MAVEN_CMD_LINE_ARGS"), out, err);
        out.flush();
        err.flush();
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /** Writes whole lines with each option of generate named as its property (--time-channel as -DtimeChannel). */
    private static final class PropertyNames extends FilterWriter {
        private final StringBuilder line = new StringBuilder();

        PropertyNames(Writer target) {
            super(target);
        }

        @Override
        public void write(int c) throws IOException {
            line.append((char) c);
            if (c == '\n') {
                emit();
            }
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
                write(buf[off + i]);
            }
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            for (int i = 0; i < len; i++) {
                write(s.charAt(off + i));
            }
        }

        @Override
        public void flush() throws IOException {
            emit();
            super.flush();
        }

        private void emit() throws IOException {
            String s = line.toString();
            line.setLength(0);
            for (var p : PROPERTIES.entrySet()) {
                s = s.replaceAll("(?<![\\w-])" + p.getValue() + "(?![\\w-])", "-D" + p.getKey());
            }
            out.write(s);
            out.flush();
        }
    }
}
