package org.odegen.torch;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Python side (src/main/python/odegen_torch) from the tests: the interpreter is the one of
 * .ci/install-python, which sets up the cached virtual environment on a fresh machine.
 */
final class PythonSide {
    static final Path ROOT = Path.of("").toAbsolutePath();
    private static String python;

    private PythonSide() {
    }

    record Result(int exit, String stdout, String stderr) {
    }

    /** The venv's interpreter, made by .ci/install-python when missing; fails with its message otherwise. */
    static synchronized String python() throws Exception {
        if (python == null) {
            Path log = Files.createTempFile("install-python", ".log");
            try {
                Process p = new ProcessBuilder("bash", ROOT.resolve(".ci/install-python").toString())
                        .redirectError(log.toFile()).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertTrue(p.waitFor(1200, TimeUnit.SECONDS), ".ci/install-python did not finish in 20 minutes");
                if (p.exitValue() != 0 || out.isEmpty()) {
                    fail(".ci/install-python failed: " + Files.readString(log));
                }
                python = out.lines().reduce((a, b) -> b).orElseThrow();
            } finally {
                Files.deleteIfExists(log);
            }
        }
        return python;
    }

    /** Runs {@code python -m module args} with src/main/python on the path; stdout and stderr kept apart. */
    static Result module(String module, List<String> args, int timeoutSeconds) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(python(), "-m", module));
        cmd.addAll(args);
        return run(cmd, timeoutSeconds);
    }

    static Result run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Path err = Files.createTempFile("odegen-python", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectError(err.toFile());
            pb.environment().put("PYTHONPATH", ROOT.resolve("src/main/python").toString());
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " ran past " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The command that runs this build's odegen in a fresh JVM (for the Python ladder to call). */
    static String odegenCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return quote(java) + " -cp " + quote(System.getProperty("java.class.path")) + " org.odegen.cli.Main";
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }
}
