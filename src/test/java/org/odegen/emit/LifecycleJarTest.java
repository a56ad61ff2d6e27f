package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The jar that gives Maven its 'generate' phase holds exactly the XML kept beside it as source. */
class LifecycleJarTest {
    @Test
    void jarHoldsExactlyTheSourceXml() throws Exception {
        Path jar = Path.of("maven-lifecycle/repo/org/odegen/odegen-lifecycle/1.0/odegen-lifecycle-1.0.jar");
        byte[] source = Files.readAllBytes(Path.of("maven-lifecycle/components.xml"));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> names = new ArrayList<>();
            zip.stream().forEach(e -> names.add(e.getName()));
            assertEquals(List.of("META-INF/plexus/components.xml"), names);
            byte[] inJar = zip.getInputStream(zip.getEntry("META-INF/plexus/components.xml")).readAllBytes();
            assertArrayEquals(source, inJar, "maven-lifecycle/components.xml changed: rebuild the jar (README)");
        }
    }
}
