package org.odegen.emit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;
import org.odegen.dsl.OdeBlockDesign;
import org.odegen.hw.Hardware;
import org.odegen.model.BlockConfig;

/**
 * Writes the output folder of one configuration (INTERFACE.md): {@code manifest.json}, {@code rtl/} (the
 * SpinalHDL top and the IP wrapper of {@code rtl-templates/}),
 * {@code report.md}, {@code testbench/}, {@code vivado/}; built in a temporary folder beside the target, then moved, so that it is written
 * whole or not at all. The same design gives byte-identical files.
 */
public final class BlockGenerator {
    private BlockGenerator() {
    }

    /** What was generated. */
    public record Generated(Path folder, String top, List<String> verilog, long cyclesPerStep,
                            YosysEstimate estimate) {
    }

    /** The default folder of a design: {@code target/generated/<layer>_x<lanes>}. */
    public static Path defaultFolder(Path projectDir, OdeBlockDesign design) {
        return projectDir.resolve("target").resolve("generated").resolve(design.id());
    }

    public static Generated generate(OdeBlockDesign design, Path folder, boolean estimate) throws IOException {
        Path target = writableTarget(folder);
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
        try {
            Path rtl = Files.createDirectory(tmp.resolve("rtl"));
            String top = quietly(() -> Hardware.emitOdeBlock(design.block(), design.lanes(), design.solver(),
                    rtl.toString()));
            // the wrapper that Vivado's IP packager reads (rtl-templates/), beside the generated top
            VivadoIp.writeWrapper(rtl, top, VivadoWriter.CLOCK_MHZ, false);
            List<String> verilog;
            try (Stream<Path> files = Files.list(rtl)) {
                verilog = files.map(f -> "rtl/" + f.getFileName()).sorted().toList();
            }
            long cycles = Hardware.cyclesPerStep(design.block(), design.lanes(), design.solver());
            YosysEstimate est = estimate ? YosysEstimate.synthesize(tmp, top, verilog) : null;
            Files.writeString(tmp.resolve("manifest.json"), manifest(design, top, verilog, cycles),
                    StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve("report.md"), BlockReport.markdown(design, top, cycles, est),
                    StandardCharsets.UTF_8);
            TestbenchWriter.write(design, top, tmp);
            VivadoWriter.write(design, top, verilog, tmp);
            replace(tmp, target);
            return new Generated(target, top, verilog, cycles, est);
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
    }

    /**
     * The absolute output folder, once its parent exists and can be written: otherwise one error naming the
     * folder and why, before anything is elaborated or written.
     */
    public static Path writableTarget(Path folder) {
        Path target = folder.toAbsolutePath().normalize();
        Path parent = target.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("output folder " + folder + " cannot be written: its parent " + parent
                    + " cannot be created (" + e.getClass().getSimpleName() + ")");
        }
        if (!Files.isDirectory(parent) || !Files.isWritable(parent)) {
            throw new IllegalArgumentException("output folder " + folder + " cannot be written: " + parent
                    + " is not a writable folder");
        }
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw new IllegalArgumentException("output folder " + folder + " is a file, not a folder");
        }
        return target;
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

    static void replace(Path fresh, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + "-old-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) {
            deleteTree(old);
        }
    }

    public static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
