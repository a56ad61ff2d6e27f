package org.odegen.emit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What a folder's {@code rtl} and {@code estimate} steps make for the later steps: the top module's name, its
 * Verilog files (relative to the folder, sorted) and, when asked, the Yosys estimate. Set by those steps, read by
 * the ones after them in the same {@link Build}.
 */
final class Elaboration {
    String top;
    List<String> verilog;
    YosysEstimate estimate;
    /** Where the long steps say what they do and how long it took (the command's stderr; silent by default). */
    java.util.function.Consumer<String> progress = line -> { };

    /**
     * Elaborates the top into {@code folder/rtl/} by {@code elaborate} (given that folder; it returns the top's
     * name), with the wrapper that Vivado's IP packager reads beside it ({@code rtl-templates/}; with the AXI4
     * read master for a network engine), and lists the Verilog files.
     */
    void rtl(Path folder, Function<String, String> elaborate, boolean axiMaster) throws IOException {
        progress.accept("rtl: SpinalHDL elaboration ...");
        Path rtl = Files.createDirectory(folder.resolve("rtl"));
        top = BlockGenerator.quietly(() -> elaborate.apply(rtl.toString()));
        // the wrapper's FREQ_HZ is the default clock; build.tcl gives the block's clock pin the PS7's actual one
        VivadoIp.writeWrapper(rtl, top, PlClock.DEFAULT_MHZ, axiMaster);
        try (Stream<Path> files = Files.list(rtl)) {
            verilog = files.map(f -> "rtl/" + f.getFileName()).sorted().toList();
        }
    }

    /** Runs Yosys {@code synth_xilinx} on the Verilog files in {@code folder}. */
    void estimate(Path folder) throws IOException {
        long t0 = System.nanoTime();
        progress.accept("estimate: Yosys synth_xilinx of " + top + " (a minute at 16 lanes, several at 64) ...");
        estimate = YosysEstimate.synthesize(folder, top, verilog);
        progress.accept(String.format(java.util.Locale.ROOT, "estimate: done in %.0f s", (System.nanoTime() - t0) / 1e9));
    }
}
