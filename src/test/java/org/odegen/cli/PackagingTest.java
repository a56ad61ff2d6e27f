package org.odegen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.emit.Build;

/**
 * ODEGen as a Java user takes it: {@code mvn package} makes the runnable jar (target/odegen.jar) and the plain jar,
 * which is also the Maven plugin {@code odegen:generate}. Run from other folders, the jar and a user's own project
 * calling the plugin generate the README's main configuration byte for byte as {@code mvn generate} does here.
 */
class PackagingTest {
    @TempDir
    Path dir;

    record Ran(int exit, String text) {
    }

    static Ran run(Path where, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(where.toFile()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "");
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Ran(p.exitValue(), text);
    }

    static final String USER_POM = """
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>com.example</groupId>
              <artifactId>my-accelerator</artifactId>
              <version>1.0</version>
              <build>
                <plugins>
                  <plugin>
                    <groupId>org.odegen</groupId>
                    <artifactId>odegen</artifactId>
                    <version>%s</version>
                    <configuration>
                      <layer>layer3_2</layer>
                      <lanes>%s</lanes>
                    </configuration>
                  </plugin>
                </plugins>
              </build>
            </project>
            """;

    @Test
    void theJarAndTheMavenPluginGenerateWhatMvnGenerateDoes() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        List<String> mvn = List.of("mvn", "-q", "-B", "-Dstyle.color=never");
        Ran pkg = run(project, concat(mvn, "package", "-DskipTests"));
        assertEquals(0, pkg.exit(), pkg.text());
        Path jar = project.resolve("target/odegen.jar");
        String version = Files.readString(project.resolve("pom.xml")).replaceAll("(?s).*?<artifactId>odegen</artifactId>\\s*"
                + "<version>([^<]+)</version>.*", "$1");
        Path plain = project.resolve("target/odegen-" + version + ".jar");
        assertTrue(Files.isRegularFile(jar) && Files.isRegularFile(plain), version);

        // mvn generate, here
        Path fromMvn = dir.resolve("mvn");
        Ran byMvn = run(project, concat(mvn, "generate", "-Dlayer=layer3_2", "-Dlanes=16", "-Dout=" + fromMvn));
        assertEquals(0, byMvn.exit(), byMvn.text());

        // java -jar, from another folder: its default folder is there
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Ran byJar = run(elsewhere, List.of(java, "-jar", jar.toString(), "generate", "--layer", "layer3_2", "--lanes", "16"));
        assertEquals(0, byJar.exit(), byJar.text());
        assertTrue(byJar.text().contains("301,737 cycles per Euler step"), byJar.text());
        sameFiles(fromMvn, elsewhere.resolve("target/generated/layer3_2_x16"));
        Ran badJar = run(elsewhere, List.of(java, "-jar", jar.toString(), "generate", "--lane", "4"));
        assertEquals(2, badJar.exit(), badJar.text());
        assertEquals(1, badJar.text().strip().lines().count(), badJar.text());

        // the plugin, from a user's project: installed as mvn install would, then odegen:generate there
        Ran install = run(project, concat(mvn, "install:install-file", "-Dfile=" + plain, "-DpomFile=pom.xml"));
        assertEquals(0, install.exit(), install.text());
        Path user = Files.createDirectories(dir.resolve("user"));
        Files.writeString(user.resolve("pom.xml"), USER_POM.formatted(version, "16"));
        Ran byPlugin = run(user, concat(mvn, "odegen:generate"));
        assertEquals(0, byPlugin.exit(), byPlugin.text());
        sameFiles(fromMvn, user.resolve("target/generated/layer3_2_x16"));
        Files.writeString(user.resolve("pom.xml"), USER_POM.formatted(version, "3"));
        Ran badPlugin = run(user, concat(mvn, "odegen:generate"));
        assertEquals(1, badPlugin.exit(), badPlugin.text());
        assertTrue(badPlugin.text().contains("on project my-accelerator: lanes = 3 for 64 channels"), badPlugin.text());
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(List.of(b));
        return all;
    }

    private static void sameFiles(Path expected, Path actual) throws Exception {
        Set<String> files = filesOf(expected);
        assertEquals(files, filesOf(actual));
        assertTrue(files.contains("rtl/OdeBlock_layer3_2_x16.v") && files.contains("README.md")
                && files.contains(Build.RECORD), files.toString());
        for (String f : files) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)), f);
        }
    }

    private static Set<String> filesOf(Path folder) throws Exception {
        Set<String> all = new TreeSet<>();
        try (var s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                all.add(folder.relativize(p).toString());
            }
        }
        return all;
    }
}
