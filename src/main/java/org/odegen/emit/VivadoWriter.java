package org.odegen.emit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code vivado/} into an output folder: the batch Tcl of the PYNQ-Z2 flow ({@code build.tcl})
 * and its XDC, from the Velocity templates of the project's {@code vivado/} folder.
 */
final class VivadoWriter {
    /** The PYNQ-Z2's Zynq. */
    static final String PART = "xc7z020clg400-1";
    /** The default PL clock, FCLK_CLK0 (build.tcl -clock changes it). */
    static final int CLOCK_MHZ = 100;

    private VivadoWriter() {
    }

    static void write(String top, List<String> verilog, Path folder) throws IOException {
        Path dir = Files.createDirectories(folder.resolve("vivado"));
        Templates.render("vivado/build.tcl.vm",
                Map.of("top", top, "part", PART, "clockMhz", CLOCK_MHZ, "rtlFiles", verilog), dir.resolve("build.tcl"));
        Templates.render("vivado/pynq_z2.xdc", Map.of(), dir.resolve("pynq_z2.xdc"));
    }
}
