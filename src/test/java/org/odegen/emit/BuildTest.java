package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildTest {
    @TempDir
    Path dir;

    private List<String> parentListing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Build twoSteps(List<String> ran) {
        return new Build()
                .step("manifest", List.of("manifest.json"), f -> {
                    ran.add("manifest");
                    Files.writeString(f.resolve("manifest.json"), "{}\n");
                })
                .step("testbench", List.of("testbench/vectors/", "testbench/Makefile"), f -> {
                    ran.add("testbench");
                    Path v = Files.createDirectories(f.resolve("testbench/vectors/random"));
                    Files.writeString(v.resolve("z0.hex"), "00000001\n");
                    Files.writeString(f.resolve("testbench/Makefile"), "all:\n");
                });
    }

    @Test
    void runsTheStepsInOrderAndReplacesTheFolderWhole() throws Exception {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("stale.txt"), "from an earlier build");
        List<String> ran = new ArrayList<>();
        Build b = twoSteps(ran);
        assertEquals(List.of("manifest.json", "testbench/vectors/", "testbench/Makefile"), b.products());
        assertEquals(List.of("manifest", "testbench"), b.steps().stream().map(Build.Step::name).toList());
        assertEquals(out.toAbsolutePath(), b.run(out));
        assertEquals(List.of("manifest", "testbench"), ran);
        assertEquals(List.of("manifest.json", "testbench/Makefile", "testbench/vectors/random/z0.hex"),
                List.copyOf(Build.files(out)));
        assertEquals(List.of("out"), parentListing(), "no staging folder or old folder is left beside it");
    }

    @Test
    void aFailingStepLeavesTheEarlierFolderAsItWas() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("kept.txt"), "earlier");
        Build b = twoSteps(new ArrayList<>()).step("vivado", List.of("vivado/build.tcl"), f -> {
            throw new IOException("vivado template missing");
        });
        var e = assertThrows(IOException.class, () -> b.run(out));
        assertEquals("vivado template missing", e.getMessage());
        assertEquals(List.of("kept.txt"), List.copyOf(Build.files(out)));
        assertEquals(List.of("out"), parentListing());
    }

    @Test
    void aStepMustWriteItsProductsAndNothingElse() throws Exception {
        Path out = dir.resolve("out");
        Build extra = new Build().step("report", List.of("report.md"), f -> {
            Files.writeString(f.resolve("report.md"), "# r\n");
            Files.writeString(f.resolve("notes.txt"), "not named");
        });
        var e = assertThrows(IllegalStateException.class, () -> extra.run(out));
        assertTrue(e.getMessage().contains("step 'report' wrote notes.txt") && e.getMessage().contains("[report.md]"),
                e.getMessage());
        Build missing = new Build().step("vivado", List.of("vivado/driver/", "vivado/build.tcl"),
                f -> Files.createDirectories(f.resolve("vivado/driver")));
        var m = assertThrows(IllegalStateException.class, () -> missing.run(out));
        assertEquals("step 'vivado' did not write its product vivado/build.tcl", m.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of(), parentListing());
    }

    @Test
    void productsAreRelativePathsOwnedByOneStep() {
        for (String bad : new String[] {"/abs.txt", "../up.txt", "a/../b", "", "a//b", "./a"}) {
            assertThrows(IllegalArgumentException.class, () -> new Build().step("s", List.of(bad), f -> { }), bad);
        }
        Build b = new Build().step("testbench", List.of("testbench/"), f -> { });
        var overlap = assertThrows(IllegalArgumentException.class,
                () -> b.step("cocotb", List.of("testbench/cocotb/"), f -> { }));
        assertTrue(overlap.getMessage().contains("overlaps those of step 'testbench'"), overlap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.step("testbench", List.of("other.txt"), f -> { }));
        assertThrows(IllegalArgumentException.class, () -> b.step("Rtl", List.of("rtl/"), f -> { }));
        Build files = new Build().step("rtl", List.of("rtl/top.v"), f -> { });
        assertThrows(IllegalArgumentException.class, () -> files.step("wrapper", List.of("rtl/"), f -> { }));
        files.step("manifest", List.of("rtl.json"), f -> { }); // a name that only starts the same is another path
        assertEquals(List.of("rtl/top.v", "rtl.json"), files.products());
    }
}
