package org.odegen.emit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.hw.Hardware;
import org.odegen.hw.OdeBlockHwConfig;
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
        OdeBlockHwConfig hw = OdeBlockHwConfig.of(b, design.lanes(), design.solver());
        Map<String, Object> vars = new HashMap<>();
        vars.put("top", top);
        vars.put("channels", b.channels());
        vars.put("height", b.height());
        vars.put("width", b.width());
        vars.put("lanes", design.lanes());
        vars.put("paramWords", b.paramWords());
        vars.put("featureWords", b.featureWords());
        vars.put("cyclesPerStep", Hardware.cyclesPerStep(b, design.lanes()));
        Templates.render(SOURCE + "odeblock.py.vm", vars, dir.resolve("odeblock.py"));
        RegisterFilesWriter.writePython(dir, Hardware.registerMap(), RegisterFilesWriter.blockValues(hw));
        Templates.render(SOURCE + "Makefile.vm", vars, dir.resolve("Makefile"));
    }

    /** Copied as they are into a network engine's bench: its test module and the shared package. */
    static final List<String> NETWORK_VERBATIM = List.of("test_network.py", "odegen_cocotb/__init__.py",
            "odegen_cocotb/axi.py", "odegen_cocotb/vectors.py");

    /**
     * Writes {@code testbench/cocotb/} of a network engine (NETWORK.md) whose top module {@code top} is
     * {@code rtl/<top>.v} of {@code folder}: the test module, the shared package, {@code odegen_regs.py} (the
     * register map's {@code odegen_regs.py}, from the RTL's own source), the Makefile, and
     * {@code <top>_cocotb.v}, a shell with the engine's ports and the 1-bit {@code m_axi_arid}/{@code m_axi_rid}
     * that cocotbext-axi's AXI4 read slave requires (the engine, with one ID, has none).
     */
    public static void writeNetwork(Path folder, String top) throws IOException {
        Path dir = Files.createDirectories(folder.resolve("testbench").resolve("cocotb"));
        for (String f : NETWORK_VERBATIM) {
            copy(SOURCE + f, dir.resolve(f));
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("top", top);
        vars.put("network", true);
        RegisterFilesWriter.writePython(dir, Hardware.networkRegisterMap(), Map.of());
        Templates.render(SOURCE + "Makefile.vm", vars, dir.resolve("Makefile"));
        Files.writeString(dir.resolve(top + "_cocotb.v"), shell(top, Files.readString(folder.resolve("rtl").resolve(top + ".v"))),
                StandardCharsets.UTF_8);
    }

    /**
     * The shell module around {@code top}: its ports (declared again as wires, from the Verilog's port list,
     * past a parameter list if any), each connected by name, and the two IDs.
     */
    static String shell(String top, String verilog) {
        Matcher head = Pattern.compile("\\bmodule\\s+" + Pattern.quote(top) + "\\b").matcher(verilog);
        if (!head.find()) {
            throw new IllegalArgumentException("no module " + top + " in its Verilog");
        }
        int end = verilog.indexOf(");", head.end());
        Matcher m = Pattern.compile("\\b(input|output)\\s+(?:wire\\s+|reg\\s+)?(\\[[^]]*]\\s*)?(\\w+)")
                .matcher(verilog.substring(head.end(), end)); // a parameter list ends in ") (", the port list in ");"
        List<String> ports = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        sb.append("// Written by ODEGen for the cocotb 2.x bench: ").append(top).append(" with the 1-bit AXI IDs that\n")
                .append("// cocotbext-axi's read slave requires (arid constant 0; rid, always 0 from it, unused).\n")
                .append("`timescale 1ns/1ps\n")
                .append("module ").append(top).append("_cocotb (\n");
        while (m.find()) {
            ports.add(m.group(3));
            String range = m.group(2) == null ? "" : m.group(2).strip();
            sb.append(String.format("  %-6s wire %-9s %s,", m.group(1), range, m.group(3))).append('\n');
        }
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("no ports in module " + top);
        }
        sb.append("  output wire           m_axi_arid,\n")
                .append("  input  wire           m_axi_rid\n);\n")
                .append("  assign m_axi_arid = 1'b0;\n\n  ").append(top).append(" engine (\n");
        for (int i = 0; i < ports.size(); i++) {
            sb.append("    .").append(ports.get(i)).append('(').append(ports.get(i)).append(')')
                    .append(i + 1 < ports.size() ? ",\n" : "\n");
        }
        sb.append("  );\nendmodule\n");
        return sb.toString();
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
