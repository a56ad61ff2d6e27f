package org.odegen.emit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.hw.Hardware;
import org.odegen.hw.OdeBlockHwConfig;
import org.odegen.hw.OdeBlockTop$;
import org.odegen.model.BlockConfig;

/**
 * Writes {@code testbench/cocotb/} into an output folder: a cocotb 2.x test bench with cocotbext-axi
 * ({@code make} there runs it on Icarus), from the project's {@code testbench/cocotb2/}.
 *
 * <p>The shared package {@code odegen_cocotb/} (AXI models on ODEGen's ports, the golden vectors) and the
 * test module are copied as they are; {@code odeblock.py} (the register map from the RTL's own source,
 * the geometry, CONFIG, the schedule) and the Makefile are filled in per block. Nothing written holds an
 * absolute path or a date, so the folder stays byte-identical across runs and machines.
 */
public final class CocotbWriter {
    /** Where the sources are on the class path (the project's {@code testbench/cocotb2/}). */
    static final String SOURCE = "testbench/cocotb2/";
    /** Copied as they are: the test module and the package a network engine's bench can share. */
    static final List<String> VERBATIM = List.of("test_odeblock.py", "odegen_cocotb/__init__.py",
            "odegen_cocotb/axi.py", "odegen_cocotb/vectors.py");

    private CocotbWriter() {
    }

    public static void write(OdeBlockDesign design, String top, Path testbench) throws IOException {
        Path dir = Files.createDirectories(testbench.resolve("cocotb"));
        for (String f : VERBATIM) {
            copy(SOURCE + f, dir.resolve(f));
        }
        BlockConfig b = design.block();
        OdeBlockHwConfig hw = OdeBlockHwConfig.of(b, design.lanes());
        Map<String, Object> vars = new HashMap<>();
        vars.put("top", top);
        vars.put("channels", b.channels());
        vars.put("height", b.height());
        vars.put("width", b.width());
        vars.put("lanes", design.lanes());
        vars.put("paramWords", b.paramWords());
        vars.put("featureWords", b.featureWords());
        vars.put("config", String.format("0x%08x", OdeBlockTop$.MODULE$.configWord(hw).longValue()));
        vars.put("cyclesPerStep", Hardware.cyclesPerStep(b, design.lanes()));
        vars.put("registers", Hardware.registers().entrySet());
        Templates.render(SOURCE + "odeblock.py.vm", vars, dir.resolve("odeblock.py"));
        Templates.render(SOURCE + "Makefile.vm", vars, dir.resolve("Makefile"));
    }

    /** Copies a class-path file byte for byte (Velocity would read a Python comment such as {@code #end} as a directive). */
    private static void copy(String resource, Path out) throws IOException {
        try (InputStream in = CocotbWriter.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing on the class path: " + resource);
            }
            Files.createDirectories(out.getParent());
            Files.write(out, in.readAllBytes());
        }
    }
}
