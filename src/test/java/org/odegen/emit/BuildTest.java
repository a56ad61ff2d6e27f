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
        List<String> ran = new ArrayList<>();
        Build b = twoSteps(ran);
        assertEquals(List.of("manifest.json", "testbench/vectors/", "testbench/Makefile"), b.products());
        assertEquals(List.of("manifest", "testbench"), b.steps().stream().map(Build.Step::name).toList());
        assertEquals(out.toAbsolutePath(), b.run(out));
        // an earlier build's file that this one does not write is replaced too: the record says it was ODEGen's
        Files.writeString(out.resolve("stale.txt"), "from an earlier build");
        Files.writeString(out.resolve(Build.RECORD), Files.readString(out.resolve(Build.RECORD)) + "stale.txt\n");
        assertEquals(out.toAbsolutePath(), b.run(out));
        assertEquals(List.of("manifest", "testbench", "manifest", "testbench"), ran);
        assertEquals(List.of("manifest.json", Build.RECORD, "testbench/Makefile", "testbench/vectors/random/z0.hex"),
                List.copyOf(Build.files(out)));
        assertEquals(List.of("manifest.json", "testbench/Makefile", "testbench/vectors/random/z0.hex"),
                Files.readAllLines(out.resolve(Build.RECORD)).stream().filter(l -> !l.startsWith("#")).toList());
        assertEquals(List.of("out"), parentListing(), "no staging folder or old folder is left beside it");
    }

    @Test
    void aFolderWithFilesOdegenDidNotWriteIsLeftAsItIsUnlessForced() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Build b = twoSteps(new ArrayList<>());
        var e = assertThrows(IllegalArgumentException.class, () -> b.run(out));
        assertEquals("output folder " + out + " holds 1 file ODEGen did not write (notes.txt), left as it is: give another "
                + "--out, or --force to replace it (its build products, such as testbench/obj_dir/ and vivado/overlay/, "
                + "are kept)", e.getMessage());
        assertEquals(List.of("notes.txt"), List.copyOf(Build.files(out)));
        assertEquals(List.of("out"), parentListing());
        // a file of the user's inside a generated folder is theirs too
        Files.delete(out.resolve("notes.txt"));
        b.run(out);
        Files.writeString(out.resolve("testbench/vectors/mine.hex"), "0\n");
        var inside = assertThrows(IllegalArgumentException.class, () -> b.run(out));
        assertTrue(inside.getMessage().contains("(testbench/vectors/mine.hex)"), inside.getMessage());
        assertTrue(Files.exists(out.resolve("testbench/vectors/mine.hex")));
        b.run(out, true);
        assertFalse(Files.exists(out.resolve("testbench/vectors/mine.hex")), "--force replaces the folder");
    }

    @Test
    void theToolsFilesAreCarriedIntoTheNewFolder() throws Exception {
        Path out = dir.resolve("out");
        Build b = twoSteps(new ArrayList<>());
        b.run(out);
        Files.createDirectories(out.resolve("testbench/obj_dir"));
        Files.writeString(out.resolve("testbench/obj_dir/Vtop"), "binary");
        Files.createDirectories(out.resolve("vivado/overlay"));
        Files.writeString(out.resolve("vivado/overlay/top.bit"), "hours of Vivado");
        Files.writeString(out.resolve("vivado.jou"), "journal");
        Files.createDirectories(out.resolve("__pycache__"));
        Files.writeString(out.resolve("__pycache__/y.pyc"), "cache");
        Files.createDirectories(out.resolve("testbench/vectors/__pycache__"));
        Files.writeString(out.resolve("testbench/vectors/__pycache__/x.pyc"), "cache");
        Build.Result r = b.run(out, false);
        assertEquals(List.of("__pycache__/", "testbench/obj_dir/", "testbench/vectors/__pycache__/", "vivado.jou",
                "vivado/overlay/"), r.kept());
        assertEquals("hours of Vivado", Files.readString(out.resolve("vivado/overlay/top.bit")));
        assertEquals("binary", Files.readString(out.resolve("testbench/obj_dir/Vtop")));
        assertEquals("journal", Files.readString(out.resolve("vivado.jou")));
        assertTrue(Files.exists(out.resolve("testbench/vectors/__pycache__/x.pyc")));
        assertEquals(List.of("out"), parentListing());
        // a product of the build where the tools' file would go is the build's mistake, said before anything moves
        Build clash = new Build().step("vivado", List.of("vivado/overlay/"), f -> {
            Files.createDirectories(f.resolve("vivado/overlay"));
            Files.writeString(f.resolve("vivado/overlay/x"), "");
        });
        var e = assertThrows(IllegalStateException.class, () -> clash.run(out));
        assertEquals("the build product vivado/overlay/ is also one of the generated files", e.getMessage());
        assertEquals("hours of Vivado", Files.readString(out.resolve("vivado/overlay/top.bit")));
    }

    @Test
    void theFolderFollowsTheUmaskAndANewFolderThereCannotBeMadeIsOneLine() throws Exception {
        Path out = dir.resolve("out");
        twoSteps(new ArrayList<>()).run(out);
        Path plain = Files.createDirectory(dir.resolve("plain")); // what the umask gives a new folder
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out));
        // /proc takes no new folder, even from root (a read-only file system or a full disk says so the same way)
        var e = assertThrows(IllegalArgumentException.class, () -> twoSteps(new ArrayList<>()).run(Path.of("/proc/odegen-out")));
        assertEquals("output folder /proc/odegen-out cannot be written: no new folder can be made in /proc (the file system "
                + "refuses it)", e.getMessage());
    }

    /** A build whose second step waits: the interrupted JVM of {@link #anInterruptedRunLeavesNothingBehind}. */
    public static final class SlowBuild {
        public static void main(String[] args) throws Exception {
            new Build().step("manifest", List.of("manifest.json"), f -> Files.writeString(f.resolve("manifest.json"), "{}"))
                    .step("wait", List.of("late.txt"), f -> {
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }).run(Path.of(args[0]));
        }
    }

    @Test
    void anInterruptedRunLeavesNothingBehind() throws Exception {
        Path out = dir.resolve("out");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), SlowBuild.class.getName(), out.toString())
                .redirectErrorStream(true).start();
        try {
            // the staging folder appears, and its first step's product in it: the build is under way
            long until = System.nanoTime() + 60_000_000_000L;
            while ((parentListing().isEmpty() || !Files.exists(dir.resolve(parentListing().get(0)).resolve("manifest.json")))
                    && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertEquals(1, parentListing().size(), "the staging folder appears while the build runs");
            assertTrue(parentListing().get(0).startsWith(".out-"), parentListing().toString());
        } finally {
            p.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the JVM runs its shutdown hooks
        }
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(List.of(), parentListing(), "no staging folder is left behind");
    }

    @Test
    void aFailingStepLeavesTheEarlierFolderAsItWas() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("kept.txt"), "earlier");
        Files.writeString(out.resolve(Build.RECORD), Build.record(List.of("kept.txt")));
        Build b = twoSteps(new ArrayList<>()).step("vivado", List.of("vivado/build.tcl"), f -> {
            throw new IOException("vivado template missing");
        });
        var e = assertThrows(IOException.class, () -> b.run(out));
        assertEquals("vivado template missing", e.getMessage());
        assertEquals(List.of("kept.txt", Build.RECORD), List.copyOf(Build.files(out)));
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
