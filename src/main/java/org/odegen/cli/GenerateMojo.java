package org.odegen.cli;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * {@code odegen:generate}, the Maven plugin a user's own project calls: the parameters of {@code mvn generate} (layer,
 * network, depth, lanes, macsPerLane, out, norm, format, width, frac, timeChannel, solver, estimate, model, weights,
 * force), from
 * the plugin's {@code <configuration>} or as {@code -D} properties, run as {@code odegen generate}; relative files are
 * the project's, and the default folder is the project's {@code target/generated/<design>}. Its descriptor is
 * {@code src/main/plugin/plugin.xml} (written by hand: the parameters are these fields, all strings, so that one not
 * given stays unset and {@code generate}'s own defaults and checks of what goes together apply).
 */
public class GenerateMojo extends AbstractMojo {
    private String layer;
    private String network;
    private String depth;
    private String lanes;
    private String macsPerLane;
    private String out;
    private String norm;
    private String format;
    private String width;
    private String frac;
    private String timeChannel;
    private String solver;
    private String estimate;
    private String model;
    private String weights;
    private String force;
    private File basedir;

    /** The parameters given, by their names (MavenGenerate.PROPERTIES's), in its order. */
    Map<String, String> given() {
        String[] values = {layer, network, depth, lanes, macsPerLane, out, norm, format, width, frac, timeChannel, solver,
            estimate, model, weights, force};
        Map<String, String> g = new LinkedHashMap<>();
        int i = 0;
        for (String name : MavenGenerate.PROPERTIES.keySet()) {
            String v = values[i++];
            if (v != null && !v.isBlank()) {
                g.put(name, v);
            }
        }
        return g;
    }

    /** The arguments of odegen generate: files relative to the project, the default folder in it. */
    List<String> arguments() {
        Path project = basedir != null ? basedir.toPath() : Path.of("");
        List<String> args = new ArrayList<>(List.of("generate", "--project-dir=" + project));
        for (var e : given().entrySet()) {
            String v = e.getValue();
            if (List.of("out", "model", "weights").contains(e.getKey())) {
                v = project.resolve(v).toString();
            }
            args.add(MavenGenerate.PROPERTIES.get(e.getKey()) + "=" + v);
        }
        return args;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(arguments().toArray(String[]::new));
        List<String> lines = err.toString().lines().filter(l -> !l.isBlank()).toList();
        if (exit == 0) {
            lines.forEach(getLog()::info);
            return;
        }
        // the generator's one line, with the option named as the plugin's parameter (--time-channel: timeChannel)
        String line = lines.isEmpty() ? "odegen generate failed (exit " + exit + ")"
                : lines.get(lines.size() - 1).replaceFirst("^odegen generate: error: ", "");
        for (var p : MavenGenerate.PROPERTIES.entrySet()) {
            line = line.replaceAll("(?<![\\w-])" + p.getValue() + "(?![\\w-])", p.getKey());
        }
        if (exit == Main.USAGE_ERROR) {
            throw new MojoFailureException(line);
        }
        throw new MojoExecutionException(line);
    }
}
