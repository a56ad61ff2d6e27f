package org.odegen.emit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.odegen.hw.NetworkHwConfig;
import org.odegen.hw.OdeBlockHwConfig;
import org.odegen.hw.RegisterFiles;
import org.odegen.hw.RegisterMap;
import org.odegen.hw.RegisterMap$;

/**
 * Writes the interface files of a register map into an output folder: {@code odegen_regs.h} and the harnesses'
 * AXI4-Lite master {@code odegen_axil.h} beside a C++ harness, {@code odegen_regs.py} beside a Python bench or
 * driver ({@link RegisterFiles} writes the text). Every offset, bit and field they hold is the map's.
 */
public final class RegisterFilesWriter {
    /** The C header's and the Python module's names. */
    public static final String HEADER = "odegen_regs.h";
    public static final String MODULE = "odegen_regs.py";
    /** The AXI4-Lite master of the C++ harnesses, copied as it is from the project's {@code testbench/}. */
    public static final String AXIL = "odegen_axil.h";

    private RegisterFilesWriter() {
    }

    /** {@code odegen_regs.h} and {@code odegen_axil.h} into {@code dir}. */
    public static void writeC(Path dir, RegisterMap map, Map<String, Long> values) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(HEADER), RegisterFiles.cHeader(map, values), StandardCharsets.UTF_8);
        try (InputStream in = RegisterFilesWriter.class.getClassLoader().getResourceAsStream("testbench/" + AXIL)) {
            if (in == null) {
                throw new IllegalStateException("testbench/" + AXIL + " is not on the classpath");
            }
            Files.write(dir.resolve(AXIL), in.readAllBytes());
        }
    }

    /** {@code odegen_regs.py} into {@code dir}. */
    public static void writePython(Path dir, RegisterMap map, Map<String, Long> values) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MODULE), RegisterFiles.python(map, values), StandardCharsets.UTF_8);
    }

    /**
     * The register map as a Markdown table (offset, name, access, meaning, fields): what doc/reference/registers.md
     * shows, from the same map as the RTL (RegisterDocTest holds them equal).
     */
    public static String markdown(RegisterMap map) {
        StringBuilder b = new StringBuilder("| offset | name | access | meaning | fields (bits) |\n| --- | --- | --- | --- | --- |\n");
        for (var r : scala.jdk.javaapi.CollectionConverters.asJava(map.registers())) {
            String fields = scala.jdk.javaapi.CollectionConverters.asJava(r.fields()).stream()
                    .map(f -> "`" + f.name() + "` " + (f.width() == 1 ? "[" + f.lsb() + "]" : "[" + f.msb() + ":" + f.lsb() + "]")
                            + " " + f.doc())
                    .collect(java.util.stream.Collectors.joining("; "));
            b.append(String.format(java.util.Locale.ROOT, "| 0x%02X | `%s` | %s | %s | %s |%n", r.offset(), r.name(),
                    r.access().text(), r.doc(), fields.isEmpty() ? "" : fields));
        }
        return b.toString();
    }

    /** Prints the block's and the engine's tables (for doc/reference/registers.md). */
    public static void main(String[] args) {
        System.out.println(markdown(RegisterMap$.MODULE$.block()));
        System.out.println(markdown(RegisterMap$.MODULE$.engine()));
    }

    /** What the block's build registers read: CONFIG and WIDTH. */
    public static Map<String, Long> blockValues(OdeBlockHwConfig hw) {
        Map<String, Long> v = new LinkedHashMap<>();
        v.put("CONFIG", RegisterMap$.MODULE$.blockConfig(hw));
        v.put("WIDTH", RegisterMap$.MODULE$.blockWidth(hw));
        return v;
    }

    /** What the engine's build registers read: CONFIG, WIDTH and WEIGHTS_WORDS. */
    public static Map<String, Long> engineValues(NetworkHwConfig hw) {
        Map<String, Long> v = new LinkedHashMap<>();
        v.put("CONFIG", NetworkHwConfig.configWord(hw).longValue());
        v.put("WIDTH", RegisterMap$.MODULE$.engineWidth(hw.dataWidth(), hw.solverCode()));
        v.put("WEIGHTS_WORDS", (long) hw.blobWords());
        v.put("NETWORK_ID", hw.networkId());
        return v;
    }
}
