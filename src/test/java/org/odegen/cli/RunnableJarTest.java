package org.odegen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.emit.Build;

/**
 * The runnable jar (mvn package: target/odegen.jar) run from another folder generates the README's main
 * configuration, byte for byte as {@code mvn generate} does: the command line, its dependencies and its templates
 * are all inside it.
 */
class RunnableJarTest {
    @TempDir
    Path dir;

    record Ran(int exit, String text) {
    }

    static Ran run(Path where, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(where.toFile()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Ran(p.exitValue(), text);
    }

    @Test
    void javaDashJarGeneratesWhatMvnGenerateDoes() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        Ran pkg = run(project, List.of("mvn", "-q", "-B", "-Dstyle.color=never", "package", "-DskipTests"));
        assertEquals(0, pkg.exit(), pkg.text());
        Path jar = project.resolve("target/odegen.jar");
        assertTrue(Files.isRegularFile(jar));

        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Ran byJar = run(elsewhere, List.of(java, "-jar", jar.toString(), "generate", "--layer", "layer3_2", "--lanes", "16"));
        assertEquals(0, byJar.exit(), byJar.text());
        assertTrue(byJar.text().contains("301,737 cycles per Euler step"), byJar.text());
        Path fromJar = elsewhere.resolve("target/generated/layer3_2_x16");

        Path fromMvn = dir.resolve("mvn");
        Ran byMvn = run(project, List.of("mvn", "-q", "-B", "-Dstyle.color=never", "generate", "-Dlayer=layer3_2",
                "-Dlanes=16", "-Dout=" + fromMvn));
        assertEquals(0, byMvn.exit(), byMvn.text());

        var files = List.copyOf(filesOf(fromJar));
        assertEquals(List.copyOf(filesOf(fromMvn)), files);
        assertTrue(files.contains("rtl/OdeBlock_layer3_2_x16.v") && files.contains("README.md"), files.toString());
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(fromMvn.resolve(f)), Files.readAllBytes(fromJar.resolve(f)), f);
        }

        Ran bad = run(elsewhere, List.of(java, "-jar", jar.toString(), "generate", "--lane", "4"));
        assertEquals(2, bad.exit(), bad.text());
        assertEquals(1, bad.text().strip().lines().count(), bad.text());
    }

    private static java.util.Set<String> filesOf(Path folder) throws Exception {
        java.util.Set<String> all = new java.util.TreeSet<>();
        try (var s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                all.add(folder.relativize(p).toString());
            }
        }
        assertTrue(all.contains(Build.RECORD));
        return all;
    }
}
