package org.odegen.emit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.dsl.NetworkDesign;
import org.odegen.hw.Hardware;
import org.odegen.hw.NetworkHwConfig;
import org.odegen.hw.OdeBlockHwConfig;
import org.odegen.model.BlockConfig;
import org.odegen.model.NormMode;
import org.odegen.net.BlockKind;
import org.odegen.net.NetworkSpec;
import org.odegen.net.Stage;
import org.odegen.net.Variant;
import java.util.stream.Collectors;

/**
 * Writes {@code vivado/} into an output folder: the batch Tcl of the PYNQ-Z2 flow ({@code build.tcl}), the IP
 * packager's ({@code package_ip.tcl}),
 * its XDC, and the PYNQ driver ({@code driver/odegen_block.py}), from the Velocity templates of the project's {@code vivado/} folder.
 */
final class VivadoWriter {
    /** The PYNQ-Z2's Zynq. */
    static final String PART = "xc7z020clg400-1";

    private VivadoWriter() {
    }

    static void write(OdeBlockDesign design, String top, List<String> verilog, PlClock clock, Path folder)
            throws IOException {
        Path dir = Files.createDirectories(folder.resolve("vivado"));
        Templates.render("vivado/build.tcl.vm", Map.of("top", top, "part", PART, "clockMhz", clock.text(), "rtlFiles", verilog,
                "ipVlnv", VivadoIp.vlnv(top), "network", false), dir.resolve("build.tcl"));
        VivadoIp.writePackageScript(dir, top, PART, verilog, false, Hardware.registerMap());
        Templates.render("vivado/pynq_z2.xdc", Map.of(), dir.resolve("pynq_z2.xdc"));
        BlockConfig b = design.block();
        Map<String, Object> vars = new HashMap<>();
        vars.put("top", top);
        vars.put("channels", b.channels());
        vars.put("height", b.height());
        vars.put("width", b.width());
        vars.put("lanes", design.lanes());
        vars.put("dataWidth", b.format().width());
        vars.put("frac", b.format().frac());
        vars.put("timeChannel", b.timeChannel() ? "True" : "False");
        vars.put("batchStats", b.norm() == NormMode.BATCH_STATS ? "True" : "False");
        vars.put("eps", b.eps());
        vars.put("paramWords", b.paramWords());
        vars.put("featureWords", b.featureWords());
        vars.put("solver", design.solver().id());
        Templates.render("vivado/odegen_block.py.vm", vars, dir.resolve("driver").resolve("odegen_block.py"));
        RegisterFilesWriter.writePython(dir.resolve("driver"), Hardware.registerMap(),
                RegisterFilesWriter.blockValues(OdeBlockHwConfig.of(b, design.lanes(), design.solver())));
        Map<String, String> networks = new LinkedHashMap<>();
        for (Variant v : Variant.values()) {
            for (int n : Variant.DEPTHS) {
                NetworkSpec spec = NetworkSpec.of(v, n);
                networks.put(v.id() + "-" + n, rows(spec));
            }
        }
        Map<String, String> stages = new LinkedHashMap<>();
        for (Stage st : Stage.values()) {
            stages.put(st.id(), "(" + st.inChannels() + ", " + st.outChannels() + ", " + st.outSize() + ", " + st.stride() + ")");
        }
        Templates.render("vivado/run_network.py.vm", Map.of("networks", networks.entrySet(), "stages", stages.entrySet()),
                dir.resolve("driver").resolve("run_network.py"));
        writeHost(dir.resolve("driver"));
    }

    /** odegen_host.py, the host arithmetic of both drivers (the blob, the CIFAR normalization), as it is. */
    private static void writeHost(Path driver) throws IOException {
        try (var in = VivadoWriter.class.getClassLoader().getResourceAsStream("vivado/odegen_host.py")) {
            if (in == null) {
                throw new IllegalStateException("vivado/odegen_host.py is not on the classpath");
            }
            Files.write(Files.createDirectories(driver).resolve("odegen_host.py"), in.readAllBytes());
        }
    }

    /** A network's rows as the Python drivers' list of (stage, kind, instances, executions): the blob's order. */
    static String rows(NetworkSpec spec) {
        return spec.rows().stream().filter(r -> r.instances() > 0)
                .map(r -> String.format("(\"%s\", \"%s\", %d, %d)", r.stage().id(),
                        r.kind() == BlockKind.CLASSIFIER ? "fc" : r.kind().name().toLowerCase(java.util.Locale.ROOT),
                        r.instances(), r.executions()))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * {@code vivado/} of a network engine (NETWORK.md): build.tcl with the engine's AXI4 read master on S_AXI_HP0,
     * the XDC, and the PYNQ driver {@code driver/odegen_network.py} with its host arithmetic {@code odegen_host.py}.
     */
    static void writeNetwork(NetworkDesign d, NetworkHwConfig hw, String top, List<String> verilog, PlClock clock,
            Path folder) throws IOException {
        Path dir = Files.createDirectories(folder.resolve("vivado"));
        Templates.render("vivado/build.tcl.vm", Map.of("top", top, "part", PART, "clockMhz", clock.text(), "rtlFiles", verilog,
                "ipVlnv", VivadoIp.vlnv(top), "network", true), dir.resolve("build.tcl"));
        Templates.render("vivado/pynq_z2.xdc", Map.of(), dir.resolve("pynq_z2.xdc"));
        Path driver = Files.createDirectories(dir.resolve("driver"));
        writeHost(driver);
        Map<String, Object> vars = new HashMap<>();
        vars.put("top", top);
        vars.put("network", d.zoo().map(s -> s.variant().id() + "-" + s.depth()).orElse(d.id()));
        vars.put("dataWidth", d.format().width());
        vars.put("frac", d.format().frac());
        vars.put("batchStats", d.norm() == NormMode.BATCH_STATS ? "True" : "False");
        vars.put("blobWords", hw.blobWords());
        vars.put("imageWords", hw.imageWords());
        vars.put("logits", hw.logits());
        Templates.render("vivado/odegen_network.py.vm", vars, driver.resolve("odegen_network.py"));
        Files.writeString(driver.resolve("network.json"), d.description().canonicalJson(), StandardCharsets.UTF_8);
        RegisterFilesWriter.writePython(driver, Hardware.networkRegisterMap(), RegisterFilesWriter.engineValues(hw));
    }
}
