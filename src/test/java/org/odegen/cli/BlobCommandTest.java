package org.odegen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.fixed.QFormat;
import org.odegen.model.HexWords;
import org.odegen.model.NormMode;
import org.odegen.net.Network;
import org.odegen.net.NetworkDescription;
import org.odegen.net.ParameterBlob;
import org.odegen.net.SafeTensors;
import org.odegen.net.Tensor;
import org.odegen.net.Weights;

/** {@code odegen blob}: any description's parameter blob, and one-line errors with no file. */
class BlobCommandTest {
    static final String NET = """
            {"input": [1, 9, 9], "classes": 4, "norm": "batch-stats", "layers": [
              {"kind": "stem", "out": 4, "conv": "stem.conv", "bn": "stem.bn"},
              {"kind": "res", "name": "d1", "out": 8, "stride": 2, "shortcut": "B"},
              {"kind": "ode", "name": "ode", "steps": 2, "solver": "rk4", "t0": 0.5, "t1": 2.0},
              {"kind": "res", "name": "d2", "out": 12, "stride": 2, "shortcut": "A"},
              {"kind": "fc", "name": "head"}]}""";

    @TempDir
    Path dir;

    @Test
    void writesTheBlobOfAnyDescriptionInBothNormsAndFormats() throws Exception {
        Path model = Files.writeString(dir.resolve("net.json"), NET);
        NetworkDescription d = NetworkDescription.read(model);
        Weights w = Weights.random(d, 3);
        Path file = dir.resolve("w.safetensors");
        w.write(file);
        Path out = dir.resolve("blob.hex");
        CommandLineTest.Run r = CommandLineTest.run("blob", "--model", model.toString(), "--weights", file.toString(),
                "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        int[] stats = HexWords.read(out, QFormat.Q32_20);
        assertEquals(d.params(), stats.length);
        assertArrayEquals(ParameterBlob.of(new Network(w, QFormat.Q32_20)), stats);

        Path folded = dir.resolve("folded.hex");
        r = CommandLineTest.run("blob", "--model", model.toString(), "--weights", file.toString(), "--norm", "folded",
                "--format", "Q16.10", "--out", folded.toString());
        assertEquals(0, r.exit(), r.err());
        QFormat q16 = QFormat.parse("Q16.10");
        assertArrayEquals(ParameterBlob.of(w, NormMode.FOLDED, q16), HexWords.read(folded, q16));
    }

    @Test
    void badDescriptionOrWeightsAreOneLineExitTwoAndNoFile() throws Exception {
        Path model = Files.writeString(dir.resolve("net.json"), NET);
        Weights w = Weights.random(NetworkDescription.read(model), 3);
        Path file = dir.resolve("w.safetensors");
        w.write(file);
        Path out = dir.resolve("blob.hex");

        Path bad = Files.writeString(dir.resolve("bad.json"), NET.replace("\"steps\": 2", "\"stpes\": 2"));
        assertRefused(CommandLineTest.run("blob", "--model", bad.toString(), "--weights", file.toString(), "--out",
                out.toString()), "stpes", out);

        Map<String, Tensor> named = new LinkedHashMap<>(w.tensors());
        named.remove("d1.shortcut.0.weight");
        Path missing = dir.resolve("missing.safetensors");
        SafeTensors.write(missing, named.values(), Map.of());
        assertRefused(CommandLineTest.run("blob", "--model", model.toString(), "--weights", missing.toString(), "--out",
                out.toString()), "'d1.shortcut.0.weight'", out);

        named.put("d1.shortcut.0.weight", new Tensor("d1.shortcut.0.weight", new int[] {8, 4, 3, 3}, new double[8 * 4 * 9]));
        Path shape = dir.resolve("shape.safetensors");
        SafeTensors.write(shape, named.values(), Map.of());
        assertRefused(CommandLineTest.run("blob", "--model", model.toString(), "--weights", shape.toString(), "--out",
                out.toString()), "'d1.shortcut.0.weight'", out);

        assertRefused(CommandLineTest.run("blob", "--model", model.toString(), "--weights", file.toString(), "--norm",
                "layer", "--out", out.toString()), "norm mode 'layer' is unknown", out);
    }

    private static void assertRefused(CommandLineTest.Run r, String names, Path out) {
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("odegen blob: error: ") && r.err().contains(names), r.err());
        assertFalse(Files.exists(out), "no file after an error");
    }
}
