package org.odegen.emit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.odegen.dsl.NetworkDesign;
import org.odegen.hw.Hardware;
import org.odegen.hw.NetworkFit;
import org.odegen.hw.NetworkHwConfig;
import org.odegen.net.Network;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Weights;

/**
 * Writes the output folder of one network engine (NETWORK.md) as a {@link Build} of named steps: {@code rtl},
 * {@code estimate} (Yosys, when asked), {@code network} (its canonical {@code network.json}, whose CRC-32 the
 * engine's NETWORK_ID reads), {@code manifest}, {@code report}, {@code testbench} (the Verilator harness
 * with its DDR model and golden vectors of seeded random weights and image), {@code cocotb} (the cocotb 2.x
 * bench of the same vectors) and {@code vivado} (the packaged IP, the PYNQ-Z2 flow and driver), each naming the
 * files it writes; whole or not at all, byte-identical for the same design.
 */
public final class NetworkGenerator {
    /** The seed of the golden vectors' weights and image. */
    public static final long VECTOR_SEED = 1;

    private NetworkGenerator() {
    }

    /** What was generated. */
    public record Generated(Path folder, String top, List<String> verilog, long cycles, long macBoundCycles,
                            YosysEstimate estimate, List<String> kept) {
    }

    /** The default folder of a design: {@code target/generated/<variant>-<N>_x<lanes>}. */
    public static Path defaultFolder(Path projectDir, NetworkDesign design) {
        return projectDir.resolve("target").resolve("generated").resolve(design.id());
    }

    /** The hardware configuration of a design (its layer program and schedule). */
    public static NetworkHwConfig hardware(NetworkDesign d) {
        NetworkHwConfig hw;
        if (d.zoo().isPresent()) {
            hw = Hardware.networkConfig(d.spec(), d.lanes(), d.format(), d.norm(), d.solver());
            return Hardware.withMacsPerLane(hw, d.macsPerLane(), hw.name() + d.macsSuffix());
        }
        // a custom network's top: OdeNetwork_custom_<NETWORK_ID>_x<lanes>[_mac2]
        hw = Hardware.networkConfig(d.description(), d.lanes(), d.format(), "OdeNetwork_" + d.id().replace('-', '_'));
        return Hardware.withMacsPerLane(hw, d.macsPerLane(), hw.name());
    }

    /** The design's hardware, refused when it does not fit the XC7Z020 (its DSP48E1s and block RAMs, planned). */
    public static NetworkHwConfig fittingHardware(NetworkDesign d) {
        NetworkHwConfig hw = hardware(d);
        NetworkFit.check(hw);
        return hw;
    }

    public static Generated generate(NetworkDesign design, Path folder, boolean estimate) throws IOException {
        return generate(design, folder, estimate, null, null);
    }

    /**
     * The same with the golden vectors of {@code weights} (a user's trained network, read and checked against the
     * design's description before anything is written; {@code source} names it in the manifest), or of seeded random
     * weights when null.
     */
    public static Generated generate(NetworkDesign design, Path folder, boolean estimate, Weights weights, String source)
            throws IOException {
        return generate(design, folder, estimate, weights, source, false);
    }

    /** The same; {@code force} replaces a folder that holds files ODEGen did not write ({@link Build#run(Path, boolean)}). */
    public static Generated generate(NetworkDesign design, Path folder, boolean estimate, Weights weights, String source,
                                     boolean force) throws IOException {
        return generate(design, folder, estimate, weights, source, force, line -> { });
    }

    /** The same, saying what the long steps (elaboration, Yosys) do on {@code progress}. */
    public static Generated generate(NetworkDesign design, Path folder, boolean estimate, Weights weights, String source,
                                     boolean force, java.util.function.Consumer<String> progress) throws IOException {
        NetworkHwConfig hw = fittingHardware(design);
        Elaboration made = new Elaboration();
        made.progress = progress;
        Network vectors = weights != null ? new Network(weights, design.norm(), design.format()) : vectorNetwork(design);
        String from = weights != null ? source : "random, seed " + VECTOR_SEED;
        Build.Result r = build(design, hw, estimate, made, vectors, from).run(folder, force);
        return new Generated(r.folder(), made.top, made.verilog, hw.scheduleCycles(), hw.macBoundCycles(), made.estimate,
                r.kept());
    }

    /** The steps of an engine's folder; {@code made} receives what the steps make for each other. */
    static Build build(NetworkDesign design, NetworkHwConfig hw, boolean estimate, Elaboration made) {
        return build(design, hw, estimate, made, vectorNetwork(design), "random, seed " + VECTOR_SEED);
    }

    static Build build(NetworkDesign design, NetworkHwConfig hw, boolean estimate, Elaboration made, Network vectors,
                       String vectorWeights) {
        // the wrapper that Vivado's IP packager reads has the AXI4 read master
        Build b = new Build().step("rtl", List.of("rtl/"), f -> made.rtl(f, rtl -> Hardware.emitNetwork(hw, rtl), true));
        if (estimate) {
            b.step("estimate", List.of(), made::estimate);
        }
        return b.step("network", List.of("network.json"),
                        f -> BlockGenerator.write(f.resolve("network.json"), design.description().canonicalJson()))
                .step("manifest", List.of("manifest.json"),
                        f -> BlockGenerator.write(f.resolve("manifest.json"), manifest(design, hw, made.top, made.verilog,
                                vectorWeights)))
                .step("report", List.of("report.md"), f -> BlockGenerator.write(f.resolve("report.md"),
                        NetworkReport.markdown(design, hw, made.top, made.estimate)))
                .step("readme", List.of("README.md"), f -> BlockGenerator.write(f.resolve("README.md"),
                        FolderReadme.network(design.id(), made.top, design.lanes(), design.format().toString(),
                                hw.scheduleCycles(), hw.networkId())))
                .step("testbench", List.of("testbench/harness.cpp", "testbench/Makefile", "testbench/odegen_regs.h",
                        "testbench/odegen_axil.h", "testbench/vectors/"),
                        // each ODE layer by its own solver: the vectors' network is the design's description
                        f -> NetworkTestbenchWriter.write(f, made.top, vectors, VECTOR_SEED, design.lanes(), null))
                .step("cocotb", List.of("testbench/cocotb/"), f -> CocotbWriter.writeNetwork(f, made.top))
                // the board: package_ip.tcl, build.tcl (the engine's read master on S_AXI_HP0), the PYNQ driver
                .step("vivado", List.of("vivado/package_ip.tcl", "vivado/build.tcl", "vivado/pynq_z2.xdc",
                        "vivado/driver/"), f -> {
                            // the overlay carries its network.json: the driver checks NETWORK_ID against it
                            VivadoIp.writePackageScript(Files.createDirectories(f.resolve("vivado")), made.top,
                                    VivadoWriter.PART, made.verilog, true, Hardware.networkRegisterMap());
                            VivadoWriter.writeNetwork(design, hw, made.top, made.verilog, PlClock.of(made.estimate), f);
                        });
    }

    /** The network whose golden vectors the folder's test benches check: seeded random weights. */
    public static Network vectorNetwork(NetworkDesign d) {
        return new Network(Weights.random(d.description(), VECTOR_SEED), d.norm(), d.format());
    }

    static String manifest(NetworkDesign d, NetworkHwConfig hw, String top, List<String> verilog) {
        return manifest(d, hw, top, verilog, "random, seed " + VECTOR_SEED);
    }

    static String manifest(NetworkDesign d, NetworkHwConfig hw, String top, List<String> verilog, String vectorWeights) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("top", top);
        var files = root.putArray("verilog");
        verilog.forEach(files::add);
        ObjectNode params = root.putObject("params");
        params.put("variant", d.zoo().map(s -> s.variant().id()).orElse("custom"));
        params.put("depth", d.zoo().map(NetworkSpec::depth).orElse(0));
        params.put("lanes", d.lanes());
        params.put("macsPerLane", d.macsPerLane());
        params.put("dataWidth", d.format().width());
        params.put("fracBits", d.format().frac());
        params.put("norm", d.norm().id());
        params.put("solver", d.zoo().isPresent() ? d.solver().id() : d.description().solverId());
        params.put("blobWords", hw.blobWords());
        params.put("imageWords", hw.imageWords());
        params.put("logits", hw.logits());
        params.put("networkId", hw.networkId());
        root.put("estimatedCycles", hw.scheduleCycles());
        root.put("macBoundCycles", hw.macBoundCycles());
        // whose weights the golden vectors (testbench/vectors, cocotb) hold: seeded random ones, or the user's file
        root.put("vectorWeights", vectorWeights);
        try {
            return json.writeValueAsString(root).replace("\r\n", "\n") + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
