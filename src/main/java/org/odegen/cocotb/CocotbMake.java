package org.odegen.cocotb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Runs a generated cocotb 2.x test bench ({@code testbench/cocotb/} of an output folder) with make, under
 * real cocotb from the project's Python environment, and reads cocotb's {@code results.xml}: the
 * Makefile's exit status alone would not say which test failed, or why.
 */
public final class CocotbMake {
    private CocotbMake() {
    }

    /** One cocotb test of results.xml: its outcome, the failure's message, and its simulated time and wall time. */
    public record Case(String name, boolean passed, String message, double simTimeNs, double wallSeconds) {
    }

    /** One make run: its exit status, what it printed, and the tests of results.xml (empty if none was written). */
    public record Run(int exit, String output, List<Case> cases, double wallSeconds) {
        public boolean passed() {
            return exit == 0 && !cases.isEmpty() && cases.stream().allMatch(Case::passed);
        }

        public Case testCase(String name) {
            return cases.stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no test " + name + " in results.xml:\n" + output));
        }
    }

    /**
     * The bin folder of the project's Python environment (cocotb 2.x, cocotbext-axi, numpy), made by
     * {@code .ci/install-python} when missing or stale; that script caches, so a second call is cheap.
     */
    public static Path venvBin(Path projectRoot) throws IOException {
        Process p = new ProcessBuilder("bash", projectRoot.resolve(".ci/install-python").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int exit = waitFor(p, 1800);
        if (exit != 0 || out.isEmpty()) {
            throw new IOException(".ci/install-python failed (exit " + exit + "): " + out);
        }
        return Path.of(out.lines().reduce((a, b) -> b).orElseThrow()).getParent();
    }

    /** Runs {@code make} in {@code benchDir} with {@code venvBin} first on the PATH, as an activated environment would. */
    public static Run make(Path benchDir, Path venvBin, Map<String, String> env, List<String> args, int timeoutSeconds)
            throws IOException {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("PATH", venvBin + java.io.File.pathSeparator + System.getenv("PATH"));
        return make(benchDir, all, args, timeoutSeconds);
    }

    /**
     * The PATH of this process without the folders that hold a {@code cocotb-config}: a make run with it
     * must find cocotb the Makefile's other way, through {@code ODEGEN_VENV} or the default environment.
     */
    public static String pathWithoutCocotb() {
        return java.util.Arrays.stream(System.getenv("PATH").split(java.io.File.pathSeparator))
                .filter(d -> !d.isEmpty() && !Files.isExecutable(Path.of(d, "cocotb-config")))
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    /**
     * Runs {@code make} in {@code benchDir} with {@code env} over this process's environment (e.g.
     * {@code PATH}, {@code COCOTB_TEST_FILTER}); the old results.xml is removed first, so a run that writes
     * none reads as no tests.
     */
    public static Run make(Path benchDir, Map<String, String> env, List<String> args, int timeoutSeconds)
            throws IOException {
        Path results = benchDir.resolve("results.xml");
        Files.deleteIfExists(results);
        List<String> cmd = new ArrayList<>(List.of("make", "--no-print-directory"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(benchDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        // to a file, not a pipe read to its end, so that the timeout below can stop a run that hangs
        Path log = Files.createTempFile("cocotb-make", ".log");
        pb.redirectOutput(log.toFile());
        long t0 = System.nanoTime();
        int exit;
        String out;
        try {
            exit = waitFor(pb.start(), timeoutSeconds);
        } finally {
            out = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            Files.delete(log);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        return new Run(exit, out, Files.exists(results) ? results(results) : List.of(), wall);
    }

    /** The test cases of a cocotb (xUnit) results file, in the order they ran. */
    public static List<Case> results(Path xml) throws IOException {
        try {
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
            NodeList tcs = doc.getElementsByTagName("testcase");
            List<Case> cases = new ArrayList<>();
            for (int i = 0; i < tcs.getLength(); i++) {
                Element tc = (Element) tcs.item(i);
                String message = null;
                for (String bad : List.of("failure", "error", "skipped")) {
                    NodeList n = tc.getElementsByTagName(bad);
                    if (n.getLength() > 0) {
                        Element e = (Element) n.item(0);
                        message = bad + ": " + e.getAttribute("message") + "\n" + e.getTextContent();
                        break;
                    }
                }
                double simNs = 0;
                String unit = "ns";
                NodeList props = tc.getElementsByTagName("property");
                for (int j = 0; j < props.getLength(); j++) {
                    Element pr = (Element) props.item(j);
                    switch (pr.getAttribute("name")) {
                        case "sim_time_duration" -> simNs = Double.parseDouble(pr.getAttribute("value"));
                        case "sim_time_unit" -> unit = pr.getAttribute("value");
                        default -> {
                        }
                    }
                }
                simNs *= switch (unit) {
                    case "ps" -> 1e-3;
                    case "ns" -> 1;
                    case "us" -> 1e3;
                    default -> throw new IOException("sim_time_unit " + unit + " in " + xml);
                };
                cases.add(new Case(tc.getAttribute("name"), message == null, message == null ? "" : message, simNs,
                        Double.parseDouble(tc.getAttribute("time"))));
            }
            return cases;
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IOException("unreadable " + xml + ": " + e.getMessage(), e);
        }
    }

    private static int waitFor(Process p, int seconds) throws IOException {
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("timed out after " + seconds + " s");
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
