package org.odegen.emit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.odegen.dsl.NetworkDesign;
import org.odegen.hw.Hardware;
import org.odegen.hw.NetworkHwConfig;
import org.odegen.net.Network;
import org.odegen.net.Weights;

/**
 * Writes the output folder of one network engine (NETWORK.md): {@code manifest.json}, {@code rtl/},
 * {@code report.md}, {@code vivado/package_ip.tcl} (the packaged IP), {@code vivado/build.tcl}
 * and {@code vivado/driver/} (the PYNQ-Z2 flow and driver), {@code testbench/} (the Verilator harness with its DDR model and golden vectors of seeded
 * random weights and image); whole or not at all, byte-identical for the same design.
 */
public final class NetworkGenerator {
    /** The seed of the golden vectors' weights and image. */
    public static final long VECTOR_SEED = 1;

    private NetworkGenerator() {
    }

    /** What was generated. */
    public record Generated(Path folder, String top, List<String> verilog, long cycles, long macBoundCycles,
                            YosysEstimate estimate) {
    }

    /** The default folder of a design: {@code target/generated/<variant>-<N>_x<lanes>}. */
    public static Path defaultFolder(Path projectDir, NetworkDesign design) {
        return projectDir.resolve("target").resolve("generated").resolve(design.id());
    }

    /** The hardware configuration of a design (its layer program and schedule). */
    public static NetworkHwConfig hardware(NetworkDesign d) {
        return Hardware.networkConfig(d.spec(), d.lanes(), d.format(), d.norm(), d.solver());
    }

    public static Generated generate(NetworkDesign design, Path folder, boolean estimate) throws IOException {
        Path target = BlockGenerator.writableTarget(folder);
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
        try {
            NetworkHwConfig hw = hardware(design);
            Path rtl = Files.createDirectory(tmp.resolve("rtl"));
            String top = BlockGenerator.quietly(() -> Hardware.emitNetwork(hw, rtl.toString()));
            // the wrapper that Vivado's IP packager reads (rtl-templates/), with the AXI4 read master
            VivadoIp.writeWrapper(rtl, top, VivadoWriter.CLOCK_MHZ, true);
            List<String> verilog;
            try (Stream<Path> files = Files.list(rtl)) {
                verilog = files.map(f -> "rtl/" + f.getFileName()).sorted().toList();
            }
            YosysEstimate est = estimate ? YosysEstimate.synthesize(tmp, top, verilog) : null;
            VivadoIp.writePackageScript(Files.createDirectory(tmp.resolve("vivado")), top, VivadoWriter.PART, verilog,
                    true, Hardware.networkRegisterMap());
            // the board: build.tcl (the engine's read master on S_AXI_HP0) and the PYNQ driver (odegen_network.py)
            VivadoWriter.writeNetwork(design, hw, top, verilog, tmp);
            Files.writeString(tmp.resolve("manifest.json"), manifest(design, hw, top, verilog), StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("report.md"), report(design, hw, top, est), StandardCharsets.UTF_8);
            Network net = vectorNetwork(design);
            NetworkTestbenchWriter.write(tmp, top, net, VECTOR_SEED, design.lanes(), design.solver());
            CocotbWriter.writeNetwork(tmp, top); // testbench/cocotb/: the cocotb 2.x bench of the same vectors
            BlockGenerator.replace(tmp, target);
            return new Generated(target, top, verilog, hw.scheduleCycles(), hw.macBoundCycles(), est);
        } finally {
            if (Files.exists(tmp)) {
                BlockGenerator.deleteTree(tmp);
            }
        }
    }

    /** The network whose golden vectors the folder's test benches check: seeded random weights. */
    public static Network vectorNetwork(NetworkDesign d) {
        return new Network(Weights.random(d.spec(), VECTOR_SEED), d.norm(), d.format());
    }

    static String manifest(NetworkDesign d, NetworkHwConfig hw, String top, List<String> verilog) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("top", top);
        var files = root.putArray("verilog");
        verilog.forEach(files::add);
        ObjectNode params = root.putObject("params");
        params.put("variant", d.spec().variant().id());
        params.put("depth", d.spec().depth());
        params.put("lanes", d.lanes());
        params.put("dataWidth", d.format().width());
        params.put("fracBits", d.format().frac());
        params.put("norm", d.norm().id());
        params.put("solver", d.solver().id());
        params.put("blobWords", hw.blobWords());
        params.put("imageWords", hw.imageWords());
        params.put("logits", hw.logits());
        root.put("estimatedCycles", hw.scheduleCycles());
        root.put("macBoundCycles", hw.macBoundCycles());
        try {
            return json.writeValueAsString(root).replace("\r\n", "\n") + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String report(NetworkDesign d, NetworkHwConfig hw, String top, YosysEstimate est) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(top).append("\n\n");
        sb.append("The network engine of ").append(d.spec().name())
                .append(": the whole network on the PL for one image, parameters read from DDR.\n\n");
        sb.append("| parameter | value |\n| --- | --- |\n");
        row(sb, "network", d.spec().name());
        row(sb, "lanes (multiply-add units)", Integer.toString(d.lanes()));
        row(sb, "number format", d.format().toString());
        row(sb, "norm mode", d.norm().id());
        row(sb, "solver", d.solver().id());
        row(sb, "parameter blob", String.format(Locale.ROOT, "%,d words (%.2f kB)", hw.blobWords(),
                hw.blobWords() * 4 / 1000.0));
        row(sb, "layer program", hw.program().size() + " passes");
        sb.append("\n## Cycles per image\n\n| | cycles | ms at 100 MHz |\n| --- | --- | --- |\n");
        long bound = hw.macBoundCycles();
        long cycles = hw.scheduleCycles();
        sb.append(String.format(Locale.ROOT, "| multiply-add bound (%,d multiply-adds / lanes) | %,d | %.2f |%n",
                hw.macs(), bound, bound / 1e5));
        sb.append(String.format(Locale.ROOT,
                "| this engine (the sequencer's schedule; the harness checks it against CYCLES) | %,d | %.2f |%n",
                cycles, cycles / 1e5));
        sb.append(String.format(Locale.ROOT, "| multiply-add units busy | %.1f%% | |%n", 100.0 * bound / cycles));
        sb.append("\n## Resources (XC7Z020)\n\n");
        if (est == null) {
            sb.append("Not estimated: generate with `-Destimate=true` (Yosys `synth_xilinx`).\n");
        } else {
            var cap = PaperTable3.XC7Z020;
            sb.append("| | BRAM36 | DSP48E1 | LUT | FF |\n| --- | --- | --- | --- | --- |\n");
            sb.append(String.format(Locale.ROOT, "| this engine (Yosys synth_xilinx) | %.1f | %d | %d | %d |%n",
                    est.bram36(), est.count("DSP48E1"), est.sliceLuts(), est.flipFlops()));
            sb.append(String.format(Locale.ROOT, "| XC7Z020 | %d | %d | %d | %d |%n", cap.bram36(), cap.dsp(),
                    cap.lut(), cap.ff()));
            sb.append(String.format(Locale.ROOT, "%nLUTs count Vivado's way (logic plus LUTs used as memory); latches: %d.%n",
                    est.latches()));
            sb.append(est.lutBreakdown(d.lanes()));
            if (est.timing() != null) {
                sb.append("\n## Timing estimate (from the Yosys netlist; see the README's delay model)\n\n");
                sb.append(est.timing().markdown());
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }
}
