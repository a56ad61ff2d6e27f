package org.odegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue of bad input (issue: a tool people trust on first use): each case through the command line, and every
 * {@code generate} case through {@code mvn generate}'s entry point (MavenGenerate, what exec:java runs), two of them
 * through Maven itself. For each: exit 2 (the documented code of bad input), one line on stderr naming the problem,
 * and the sandbox folder exactly as it was (nothing written, nothing deleted, no staging folder left).
 */
class BadInputCatalogueTest {
    @TempDir
    Path dir;

    /** A bad input: the command line, and what its one line must say. */
    record Case(String what, List<String> args, String says) {
    }

    private Path existing;
    private Path truncated;
    private Path badJson;
    private Path aFile;

    @BeforeEach
    void sandbox() throws IOException {
        existing = Files.createDirectories(dir.resolve("existing"));
        Files.writeString(existing.resolve("notes.txt"), "the user's own notes");
        truncated = dir.resolve("truncated.safetensors");
        byte[] header = "{\"conv1.weight\":{\"dtype\":\"F32\",\"shape\":[16,3,3,3],\"data_offsets\":[0,1728]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[8 + header.length + 100];
        file[0] = (byte) header.length;
        System.arraycopy(header, 0, file, 8, header.length);
        Files.write(truncated, file);
        badJson = Files.writeString(dir.resolve("bad.json"), "{\"input\": [3, 32, 32], \"layers\": [");
        aFile = Files.writeString(dir.resolve("a-file"), "not a folder");
    }

    private String out() {
        return dir.resolve("out").toString();
    }

    /** The generate cases: each also runs as mvn generate, with its options as -D properties. */
    private List<Case> generateCases() {
        String out = out();
        return List.of(
            new Case("a misspelt option", List.of("--netwok", "rodenet-3", "--out", out), "--netwok"),
            new Case("a misspelt option (layers)", List.of("--layers", "layer1", "--lanes", "8", "--out", out), "--layers"),
            new Case("a misspelt option (lane)", List.of("--layer", "layer1", "--lane", "4", "--out", out), "--lane"),
            new Case("a layer with a network", List.of("--layer", "layer1", "--network", "rodenet-3", "--out", out),
                    "--layer and --network do not go together"),
            new Case("a depth with a layer", List.of("--layer", "layer1", "--depth", "32", "--out", out),
                    "--depth needs --network"),
            new Case("the time channel with a network", List.of("--network", "rodenet-3", "--time-channel", "false",
                    "--out", out), "--time-channel and --network do not go together"),
            new Case("a format with a width", List.of("--format", "Q16.10", "--width", "24", "--out", out), "--format"),
            new Case("a format with a frac", List.of("--format", "Q16.10", "--frac", "8", "--out", out), "--format"),
            new Case("an unknown layer", List.of("--layer", "layer9", "--out", out), "layer1, layer2_2, layer3_2"),
            new Case("lanes that are not a power of two", List.of("--layer", "layer1", "--lanes", "3", "--out", out), "lanes"),
            new Case("more lanes than channels", List.of("--layer", "layer1", "--lanes", "128", "--out", out), "lanes"),
            new Case("an unknown norm", List.of("--norm", "batch", "--out", out), "batch-stats, folded"),
            new Case("a format past 32 bits", List.of("--format", "Q40.20", "--out", out), "Q40.20"),
            new Case("an unknown solver", List.of("--solver", "midpoint", "--out", out), "euler, heun, rk4"),
            new Case("estimate not a boolean", List.of("--estimate", "maybe", "--out", out), "true, false"),
            new Case("force not a boolean", List.of("--force", "maybe", "--out", out), "true, false"),
            new Case("a depth not in the paper", List.of("--network", "rodenet-3", "--depth", "21", "--out", out),
                    "20, 32, 44, 56"),
            new Case("an unknown network", List.of("--network", "rodenet-9", "--out", out), "rodenet-9"),
            new Case("an output folder that cannot be made", List.of("--layer", "layer1", "--out", "/proc/nope"),
                    "output folder /proc/nope cannot be written"),
            new Case("an output folder that is a file", List.of("--layer", "layer1", "--out", aFile.toString()),
                    "is a file, not a folder"),
            new Case("an output folder holding the user's files", List.of("--layer", "layer1", "--out",
                    existing.toString()), "holds 1 file ODEGen did not write (notes.txt)"),
            new Case("a weights file that is missing", List.of("--network", "rodenet-3", "--weights",
                    dir.resolve("missing.safetensors").toString(), "--out", out), "no such file"),
            new Case("a weights file cut short", List.of("--network", "rodenet-3", "--weights", truncated.toString(),
                    "--out", out), "truncated.safetensors"),
            new Case("weights for one ODEBlock", List.of("--layer", "layer1", "--weights", truncated.toString(),
                    "--out", out), "--weights needs --network or --model"),
            new Case("a model file that is missing", List.of("--model", dir.resolve("missing.json").toString(),
                    "--out", out), "missing.json"),
            new Case("a model file that is not JSON", List.of("--model", badJson.toString(), "--out", out), "bad.json"),
            new Case("a model with a network", List.of("--model", badJson.toString(), "--network", "rodenet-3",
                    "--out", out), "--network and --model do not go together"),
            new Case("multiply-adds a lane not 1, 2 or 3", List.of("--network", "rodenet-3", "--format", "Q16.10",
                    "--macs-per-lane", "4", "--out", out), "valid: 1, 2, 3"),
            new Case("two multiply-adds a lane of a wide format", List.of("--network", "rodenet-3", "--macs-per-lane", "2",
                    "--out", out), "at most 18 bits, not Q32.20"),
            new Case("two multiply-adds on one lane", List.of("--network", "rodenet-3", "--lanes", "1", "--format",
                    "Q16.10", "--macs-per-lane", "2", "--out", out), "at least 2 lanes"),
            new Case("multiply-adds a lane with a layer", List.of("--layer", "layer1", "--macs-per-lane", "2",
                    "--out", out), "--macs-per-lane is the network engine's"),
            new Case("an engine the chip cannot hold", List.of("--network", "rodenet-3", "--lanes", "64", "--out", out),
                    "DSP48E1"));
    }

    /** Cases of the other commands (the command line only). */
    private List<Case> otherCases() {
        return List.of(
            new Case("an unknown command", List.of("gen"), "gen"),
            new Case("no command", List.of(), "no command; the commands are: generate, "),
            new Case("a depth not in the paper (network)", List.of("network", "--depth", "19"), "20, 32, 44, 56"),
            new Case("an unknown network (network)", List.of("network", "--network", "rodenet-9"), "rodenet-9"),
            new Case("a misspelt option (network)", List.of("network", "--variantt", "odenet"), "--variantt"),
            new Case("weights written where no file can be", List.of("weights", "--out", "/proc/nope/w.safetensors"),
                    "/proc/nope/w.safetensors"),
            new Case("an image set that is missing", List.of("evaluate", "--data", dir.resolve("missing.bin").toString()),
                    "missing.bin"),
            new Case("a weights file cut short (evaluate)", List.of("evaluate", "--weights", truncated.toString(),
                    "--data", dir.resolve("missing.bin").toString()), "truncated.safetensors"),
            new Case("a blob of a model file that is not JSON", List.of("blob", "--model", badJson.toString(),
                    "--weights", truncated.toString(), "--out", dir.resolve("blob.hex").toString()), "bad.json"),
            new Case("an unknown layer (block)", List.of("block", "--layer", "layer9", "--params", "p", "--input", "z",
                    "--out", dir.resolve("z1.hex").toString()), "layer1, layer2_2, layer3_2"),
            new Case("lanes that are not a power of two (cosim)", List.of("cosim", "--lanes", "3"), "lanes"),
            new Case("required options missing (ladder)", List.of("ladder", "--solver", "heun"),
                    "Missing required options: '--weights=<weights>', '--data=<data>'"));
    }

    /** Every file and folder under the sandbox with its size and time: what must not change. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> all = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                all.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                        : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return all;
    }

    private void check(String how, Case c, int exit, String err, Map<String, String> before) throws IOException {
        String label = how + ", " + c.what() + " (" + String.join(" ", c.args()) + "): ";
        List<String> lines = err.replaceAll("\u001b\\[[0-9;]*m", "").lines().filter(l -> !l.isBlank()).toList();
        assertEquals(2, exit, label + err);
        assertEquals(1, lines.size(), label + "one line, not:\n" + err);
        assertTrue(lines.get(0).contains(c.says()), label + lines.get(0));
        assertEquals(before, snapshot(), label + "the sandbox changed");
    }

    @Test
    void everyBadInputIsOneLineExitTwoAndNothingWrittenOrDeleted() throws IOException {
        List<Case> all = new ArrayList<>();
        for (Case c : generateCases()) {
            List<String> args = new ArrayList<>(List.of("generate"));
            args.addAll(c.args());
            all.add(new Case(c.what(), args, c.says()));
        }
        all.addAll(otherCases());
        assertTrue(all.size() >= 30, "the catalogue has " + all.size() + " cases");
        for (Case c : all) {
            Map<String, String> before = snapshot();
            CommandLineTest.Run r = CommandLineTest.run(c.args().toArray(String[]::new));
            check("odegen", c, r.exit(), r.err(), before);
        }
    }

    /** An option's property, as MavenGenerate names it. */
    private static String property(String option) {
        return MavenGenerate.PROPERTIES.entrySet().stream().filter(e -> e.getValue().equals("--" + option))
                .map(Map.Entry::getKey).findFirst().orElse(option);
    }

    /** {@code --name value} pairs as mvn generate's {@code -Dname=value}, --time-channel as -DtimeChannel. */
    private static List<String> properties(List<String> args) {
        List<String> d = new ArrayList<>();
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i).substring(2);
            d.add(property(name) + "=" + args.get(i + 1));
        }
        return d;
    }

    @Test
    void everyGenerateCaseIsTheSameUnderMaven() throws IOException {
        for (Case c : generateCases()) {
            List<String> props = properties(c.args());
            Map<String, String> before = snapshot();
            MavenGenerateTest.Run r = MavenGenerateTest.mvnGenerate(props.toArray(String[]::new));
            // Maven names the properties: -Dlayer for --layer
            String says = java.util.regex.Pattern.compile("--([a-z-]+)").matcher(c.says())
                    .replaceAll(m -> "-D" + property(m.group(1)));
            check("mvn generate", new Case(c.what(), props, says), r.exit(), r.err(), before);
        }
    }

    /** Maven itself (the pom's exec:java): no trace, its one line, exit 2, for a typo and for the user's folder. */
    @Test
    void mavenItselfEndsWithTheOneLineAndExitTwo() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        String[][] runs = {
            {"-Dnetwok=rodenet-3", "-Dlanes=16", "-Dout=" + out(), "unknown property -Dnetwok (did you mean -Dnetwork?)"},
            {"-Dlayer=layer1", "-Dlanes=8", "-Dout=" + existing, "holds 1 file ODEGen did not write (notes.txt)"},
        };
        for (String[] run : runs) {
            Map<String, String> before = snapshot();
            List<String> cmd = new ArrayList<>(List.of("mvn", "-q", "-B", "-Dstyle.color=never", "generate"));
            cmd.addAll(List.of(run).subList(0, run.length - 1));
            Process p = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(300, TimeUnit.SECONDS));
            check("mvn", new Case("Maven itself", cmd, run[run.length - 1]), p.exitValue(), text, before);
            assertTrue(text.contains("odegen generate: error: "), text);
        }
    }
}
