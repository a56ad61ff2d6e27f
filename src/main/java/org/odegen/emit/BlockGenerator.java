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
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.hw.Hardware;
import org.odegen.model.BlockConfig;

/**
 * Writes the output folder of one configuration (INTERFACE.md) as a {@link Build} of named steps: {@code rtl}
 * (the SpinalHDL top and the IP wrapper of {@code rtl-templates/}), {@code estimate} (Yosys, when asked),
 * {@code manifest}, {@code report}, {@code testbench} (with its cocotb bench) and {@code vivado} (with the PYNQ
 * driver), each naming the files it writes; whole or not at all. The same design gives byte-identical files.
 */
public final class BlockGenerator {
    private BlockGenerator() {
    }

    /** What was generated. */
    public record Generated(Path folder, String top, List<String> verilog, long cyclesPerStep,
                            YosysEstimate estimate, List<String> kept) {
    }

    /** The default folder of a design: {@code target/generated/<layer>_x<lanes>}. */
    public static Path defaultFolder(Path projectDir, OdeBlockDesign design) {
        return projectDir.resolve("target").resolve("generated").resolve(design.id());
    }

    public static Generated generate(OdeBlockDesign design, Path folder, boolean estimate) throws IOException {
        return generate(design, folder, estimate, false);
    }

    /** The same; {@code force} replaces a folder that holds files ODEGen did not write ({@link Build#run(Path, boolean)}). */
    public static Generated generate(OdeBlockDesign design, Path folder, boolean estimate, boolean force)
            throws IOException {
        return generate(design, folder, estimate, force, line -> { });
    }

    /** The same, saying what the long steps (elaboration, Yosys) do on {@code progress}. */
    public static Generated generate(OdeBlockDesign design, Path folder, boolean estimate, boolean force,
                                     java.util.function.Consumer<String> progress) throws IOException {
        Elaboration made = new Elaboration();
        made.progress = progress;
        Build.Result r = build(design, estimate, made).run(folder, force);
        return new Generated(r.folder(), made.top, made.verilog, cyclesPerStep(design), made.estimate, r.kept());
    }

    /** The steps of a block's folder; {@code made} receives what the steps make for each other. */
    static Build build(OdeBlockDesign design, boolean estimate, Elaboration made) {
        long cycles = cyclesPerStep(design);
        Build b = new Build().step("rtl", List.of("rtl/"), f -> made.rtl(f,
                rtl -> Hardware.emitOdeBlock(design.block(), design.lanes(), design.solver(), rtl), false));
        if (estimate) {
            b.step("estimate", List.of(), made::estimate);
        }
        return b.step("manifest", List.of("manifest.json"),
                        f -> write(f.resolve("manifest.json"), manifest(design, made.top, made.verilog, cycles)))
                .step("report", List.of("report.md"),
                        f -> write(f.resolve("report.md"), BlockReport.markdown(design, made.top, cycles, made.estimate)))
                .step("readme", List.of("README.md"), f -> write(f.resolve("README.md"), FolderReadme.block(design.id(),
                        made.top, design.lanes(), design.block().format().toString(), cycles, design.solver().title())))
                .step("testbench", List.of("testbench/harness.cpp", "testbench/Makefile", "testbench/odegen_regs.h",
                        "testbench/odegen_axil.h", "testbench/vectors/", "testbench/cocotb/"), f -> TestbenchWriter.write(design, made.top, f))
                .step("vivado", List.of("vivado/build.tcl", "vivado/package_ip.tcl", "vivado/pynq_z2.xdc",
                        "vivado/driver/"), f -> VivadoWriter.write(design, made.top, made.verilog, PlClock.of(made.estimate), f));
    }

    private static long cyclesPerStep(OdeBlockDesign design) {
        return Hardware.cyclesPerStep(design.block(), design.lanes(), design.solver());
    }

    /** A generated text file: UTF-8, as given. */
    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /**
     * Runs SpinalHDL's elaboration with its progress lines (stdout) held back: shown only if it fails,
     * so that {@code mvn generate} prints one line per block.
     */
    static <T> T quietly(java.util.function.Supplier<T> elaboration) {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(held, true, StandardCharsets.UTF_8));
        try {
            return elaboration.get();
        } catch (RuntimeException e) {
            System.err.print(held.toString(StandardCharsets.UTF_8));
            throw e;
        } finally {
            System.setOut(out);
        }
    }

    static String manifest(OdeBlockDesign design, String top, List<String> verilog, long cycles) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("top", top);
        var files = root.putArray("verilog");
        verilog.forEach(files::add);
        BlockConfig b = design.block();
        ObjectNode params = root.putObject("params");
        params.put("layer", b.name());
        params.put("channels", b.channels());
        params.put("height", b.height());
        params.put("width", b.width());
        params.put("lanes", design.lanes());
        params.put("dataWidth", b.format().width());
        params.put("fracBits", b.format().frac());
        params.put("timeChannel", b.timeChannel());
        params.put("norm", b.norm().id());
        params.put("solver", design.solver().id());
        params.put("paramWords", b.paramWords());
        params.put("featureWords", b.featureWords());
        root.put("estimatedCycles", cycles);
        root.put("macBoundCycles", design.macBoundCyclesPerSolverStep());
        try {
            return json.writeValueAsString(root).replace("\r\n", "\n") + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
