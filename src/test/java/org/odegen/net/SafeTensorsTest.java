package org.odegen.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /** A file by the published layout, written here by hand (not by the writer under test). */
    private Path handMade(String header, byte[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path f = dir.resolve("hand.safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static byte[] le(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void readsTheFormatAsPublished() throws Exception {
        byte[] data = new byte[12 + 8 + 4];
        System.arraycopy(le(1.5f, -2f, 0.25f), 0, data, 0, 12);
        ByteBuffer.wrap(data, 12, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(7);
        ByteBuffer.wrap(data, 20, 4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3C00).putShort((short) 0xBF80);
        Path f = handMade("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                + "\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[12,20]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[20,22]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[22,24]}}", data);
        Map<String, Tensor> t = SafeTensors.read(f);
        assertArrayEquals(new double[] {1.5, -2, 0.25}, t.get("w").data());
        assertArrayEquals(new double[] {7}, t.get("bn.num_batches_tracked").data());
        assertArrayEquals(new double[] {1.0}, t.get("h").data());
        assertArrayEquals(new double[] {-1.0}, t.get("b").data());
    }

    @Test
    void writerRoundTripsAndIsDeterministic() throws Exception {
        NetworkSpec spec = NetworkSpec.of(Variant.RODENET_3, 20);
        Weights w = Weights.random(spec, 11);
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        w.write(a);
        Weights.random(spec, 11).write(b);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        Weights back = Weights.read(spec, a, true);
        assertEquals(w.tensors(), back.tensors());
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(a)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8);
    }

    @Test
    void truncatedFileNamesTheFileAndTheTensor() throws Exception {
        NetworkSpec spec = NetworkSpec.of(Variant.RODENET_3, 20);
        Path f = dir.resolve("w.safetensors");
        Weights.random(spec, 1).write(f);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 100));
        var e = assertThrows(SafeTensors.FormatException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("w.safetensors") && e.getMessage().contains("truncated")
                && e.getMessage().contains("tensor '"), e.getMessage());
        Files.write(f, Arrays.copyOf(all, 5));
        e = assertThrows(SafeTensors.FormatException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void malformedHeadersAreNamed() throws Exception {
        byte[] data = le(1f, 2f);
        List<String[]> cases = List.of(
                new String[] {"{not json", "not valid JSON"},
                new String[] {"{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "needs 12"},
                new String[] {"{\"w\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", "dtype 'Q7'"},
                new String[] {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", "data_offsets"},
                new String[] {"{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "overlaps"},
                new String[] {"{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "truncated"});
        for (String[] c : cases) {
            Path f = handMade(c[0], data);
            var e = assertThrows(SafeTensors.FormatException.class, () -> SafeTensors.read(f), c[0]);
            assertTrue(e.getMessage().contains("hand.safetensors") && e.getMessage().contains(c[1]), e.getMessage());
        }
    }

    @Test
    void missingOrMisShapedTensorsAreNamedWithTheExpectedShape() throws Exception {
        NetworkSpec spec = NetworkSpec.of(Variant.RODENET_3, 20);
        Weights w = Weights.random(spec, 1);
        var named = new java.util.LinkedHashMap<>(w.tensors());
        named.put("layer3_2.0.conv2.weight", new Tensor("layer3_2.0.conv2.weight", new int[] {64, 64, 3, 3},
                new double[64 * 64 * 9]));
        var e = assertThrows(IllegalArgumentException.class, () -> Weights.of(spec, named, "file x", false));
        assertTrue(e.getMessage().contains("'layer3_2.0.conv2.weight' has shape [64, 64, 3, 3]")
                && e.getMessage().contains("[64, 65, 3, 3]"), e.getMessage());
        named.remove("layer3_2.0.conv2.weight");
        e = assertThrows(IllegalArgumentException.class, () -> Weights.of(spec, named, "file x", false));
        assertTrue(e.getMessage().contains("'layer3_2.0.conv2.weight'") && e.getMessage().contains("missing"),
                e.getMessage());
        // Running statistics are needed only by the folded norm mode.
        var noStats = new java.util.LinkedHashMap<>(w.tensors());
        noStats.keySet().removeIf(k -> k.endsWith("running_var"));
        Weights.of(spec, noStats, "file x", false);
        e = assertThrows(IllegalArgumentException.class, () -> Weights.of(spec, noStats, "file x", true));
        assertTrue(e.getMessage().contains("running_var") && e.getMessage().contains("folded"), e.getMessage());
    }
}
