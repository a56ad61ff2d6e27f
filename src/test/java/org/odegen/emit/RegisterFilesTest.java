package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.hw.Hardware;
import org.odegen.hw.OdeBlockHwConfig;
import org.odegen.hw.RegField;
import org.odegen.hw.Register;
import org.odegen.hw.RegisterFiles;
import org.odegen.hw.RegisterMap;
import org.odegen.hw.RegisterMap$;
import org.odegen.fixed.QFormat;
import org.odegen.model.BlockConfig;
import org.odegen.model.NormMode;
import org.odegen.model.OdeSolver;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The register maps hold the contracts' offsets and fields, refuse a map that contradicts itself, and the files
 * written from them (odegen_regs.h compiled by a C++ compiler, odegen_regs.py run by Python) say what the map says.
 */
class RegisterFilesTest {
    /** INTERFACE.md's and NETWORK.md's tables: the contract the maps are checked against. */
    static final Map<String, Integer> BLOCK = offsets("CTRL", 0x00, "STATUS", 0x04, "STEPS", 0x08, "STEP_SIZE", 0x0C,
            "T0", 0x10, "CYCLES", 0x14, "CONFIG", 0x18, "WIDTH", 0x1C, "IER", 0x20);
    static final Map<String, Integer> ENGINE = offsets("CTRL", 0x00, "STATUS", 0x04, "CYCLES", 0x14, "CONFIG", 0x18,
            "WIDTH", 0x1C, "IER", 0x20, "WEIGHTS_ADDR", 0x24, "WEIGHTS_WORDS", 0x28, "NETWORK_ID", 0x2C);

    private static Map<String, Integer> offsets(Object... kv) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Integer) kv[i + 1]);
        }
        return m;
    }

    @Test
    void mapsHoldTheContractsOffsetsAndBuildWords() {
        assertEquals(BLOCK, Hardware.registerMap().offsets());
        assertEquals(ENGINE, Hardware.networkRegisterMap().offsets());
        RegisterMap b = Hardware.registerMap();
        assertEquals(0x8L, b.bit("STATUS", "ERROR"));
        assertEquals(0x2L, b.bit("CTRL", "LOAD"));
        // INTERFACE.md's CONFIG: [7:0] lanes, [15:8] C, [23:16] height, [28:24] F, bit 29 time channel, bit 30 norm
        BlockConfig block = new BlockConfig("c64", 64, 8, 8, new QFormat(16, 10), NormMode.BATCH_STATS, true);
        OdeBlockHwConfig hw = OdeBlockHwConfig.of(block, 16, OdeSolver.RK4);
        long want = 16 | (64L << 8) | (8L << 16) | (10L << 24) | (1L << 29) | (1L << 30);
        assertEquals(want, RegisterMap$.MODULE$.blockConfig(hw));
        assertEquals(16 | (2L << 8), RegisterMap$.MODULE$.blockWidth(hw));
        // NETWORK.md's CONFIG: rodenet-3 (5), N 20, F 20, batch-stats, 16 lanes
        assertEquals(16 | (5L << 8) | (20L << 16) | (20L << 24) | (1L << 30),
                RegisterMap$.MODULE$.engineConfig(16, 5, 20, 20, true));
        assertThrows(IllegalArgumentException.class, () -> RegisterMap$.MODULE$.engineConfig(256, 5, 20, 20, true),
                "lanes over 8 bits does not fit CONFIG");
    }

    @Test
    void aMapThatContradictsItselfIsRefused() {
        Register ctrl = reg("CTRL", 0x00, List.of(new RegField("START", 0, 1, "run")));
        assertThrows(IllegalArgumentException.class, () -> map(ctrl, reg("STATUS", 0x00, List.of())), "one offset twice");
        assertThrows(IllegalArgumentException.class, () -> map(ctrl, reg("CTRL", 0x04, List.of())), "one name twice");
        assertThrows(IllegalArgumentException.class, () -> map(reg("STATUS", 0x04, List.of()), ctrl), "out of order");
        assertThrows(IllegalArgumentException.class, () -> reg("ODD", 0x06, List.of()), "not a word");
        assertThrows(IllegalArgumentException.class, () -> reg("WIDE", 0x08, List.of(new RegField("a", 0, 4, ""),
                new RegField("b", 3, 2, ""))), "overlapping fields");
        assertThrows(IllegalArgumentException.class, () -> new RegField("past", 30, 4, ""), "past bit 31");
    }

    private static Register reg(String name, int offset, List<RegField> fields) {
        return new Register(name, offset, Hardware.registerMap().apply("IER").access(), "", CollectionConverters.asScala(fields).toSeq(), 0L, 0L);
    }

    private static RegisterMap map(Register... regs) {
        return new RegisterMap("test", "a test map", CollectionConverters.asScala(List.of(regs)).toSeq());
    }

    /** The Jython bench's module (testbench/python, on its path) is the block map's, written by the same writer. */
    @Test
    void jythonBenchModuleIsTheBlockMaps() throws Exception {
        String want = RegisterFiles.python(Hardware.registerMap(), Map.of());
        Path committed = Path.of("testbench/python/odegen_regs.py");
        if (!Files.exists(committed) || !Files.readString(committed).equals(want)) {
            Path fresh = Files.createDirectories(Path.of("target")).resolve("odegen_regs.py");
            Files.writeString(fresh, want);
            throw new AssertionError(committed + " is not the block map's module: the map changed? Copy " + fresh);
        }
    }

    /** odegen_regs.h through a C++ compiler: every offset, field and build word the map's. */
    @Test
    void headerCompilesAndSaysWhatTheMapSays(@TempDir Path dir) throws Exception {
        for (RegisterMap map : List.of(Hardware.registerMap(), Hardware.networkRegisterMap())) {
            Map<String, Long> values = Map.of("CONFIG", 0x12345678L, "WIDTH", 0x220L);
            RegisterFilesWriter.writeC(dir, map, values);
            StringBuilder cpp = new StringBuilder("#include <cstdio>\n#include \"odegen_regs.h\"\n#include \"odegen_axil.h\"\n")
                    .append("#define F(r, f, lsb, w) std::printf(\"%s.%s %d %d\\n\", #r, #f, lsb, w);\nint main() {\n");
            StringBuilder expected = new StringBuilder();
            for (var r : CollectionConverters.asJava(map.registers())) {
                cpp.append("    std::printf(\"").append(r.name()).append(" %u\\n\", ODEGEN_").append(r.name()).append(");\n");
                expected.append(r.name()).append(' ').append(r.offset()).append('\n');
            }
            for (var r : CollectionConverters.asJava(map.registers())) {
                for (var f : CollectionConverters.asJava(r.fields())) {
                    String m = "ODEGEN_" + r.name() + "_" + f.name().toUpperCase();
                    cpp.append("    static_assert(").append(m).append("_MASK == ((1ull << ").append(m).append("_WIDTH) - 1) << ")
                            .append(m).append("_SHIFT, \"mask\");\n");
                }
            }
            cpp.append("    ODEGEN_FIELDS(F)\n");
            for (var r : CollectionConverters.asJava(map.registers())) {
                for (var f : CollectionConverters.asJava(r.fields())) {
                    expected.append(r.name()).append('.').append(f.name()).append(' ').append(f.lsb()).append(' ')
                            .append(f.width()).append('\n');
                }
            }
            cpp.append("    std::printf(\"%x %x\\n\", ODEGEN_CONFIG_VALUE, ODEGEN_WIDTH_VALUE);\n}\n");
            expected.append("12345678 220\n");
            Files.writeString(dir.resolve("t.cpp"), cpp);
            Tool.Result build = Tool.run(dir, List.of("g++", "-std=c++17", "-Wall", "-Werror", "-o", "t", "t.cpp"), 120);
            assertEquals(0, build.exit(), build.output());
            Tool.Result out = Tool.run(dir, List.of("./t"), 60);
            assertEquals(expected.toString(), out.output(), map.name());
        }
    }

    /** odegen_regs.py through Python: offsets, one-bit masks, fields, values and get() the map's. */
    @Test
    void pythonModuleSaysWhatTheMapSays(@TempDir Path dir) throws Exception {
        for (RegisterMap map : List.of(Hardware.registerMap(), Hardware.networkRegisterMap())) {
            RegisterFilesWriter.writePython(dir, map, Map.of("CONFIG", 0x12345678L));
            List<String> want = new ArrayList<>();
            for (var r : CollectionConverters.asJava(map.registers())) {
                want.add(r.name() + " " + r.offset());
                for (var f : CollectionConverters.asJava(r.fields())) {
                    want.add(r.name() + "." + f.name() + " " + f.lsb() + " " + f.width() + " "
                            + f.get(0x12345678L) + (f.width() == 1 ? " " + f.mask() : ""));
                }
            }
            want.add("VALUES {'CONFIG': 305419896}");
            String script = String.join("\n", "import odegen_regs as r",
                    "for n, o in sorted(r.REGISTERS.items(), key=lambda x: x[1]):",
                    "    assert getattr(r, n) == o",
                    "    print('%s %d' % (n, o))",
                    "    for reg, f, lsb, w in r.FIELDS:",
                    "        if reg == n:",
                    "            one = ' %d' % getattr(r, '%s_%s' % (reg, f.upper())) if w == 1 else ''",
                    "            print('%s.%s %d %d %d%s' % (reg, f, lsb, w, r.get(0x12345678, reg, f), one))",
                    "print('VALUES %s' % r.VALUES)", "");
            Files.writeString(dir.resolve("t.py"), script);
            Tool.Result out = Tool.run(dir, List.of("python3", "t.py"), 60);
            assertEquals(String.join("\n", want) + "\n", out.output(), map.name());
        }
        assertTrue(RegisterFiles.python(Hardware.registerMap(), Map.of()).contains("STEP_SIZE = 0x0c"));
    }
}
