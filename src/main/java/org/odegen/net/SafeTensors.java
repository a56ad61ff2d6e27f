package org.odegen.net;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reader and writer of the safetensors format, written against its published layout: an 8-byte
 * little-endian header length, a JSON header mapping each tensor name to
 * {@code {dtype, shape, data_offsets: [begin, end]}} (offsets into the byte buffer that follows),
 * an optional {@code __metadata__} string map, then the little-endian data.
 * Reads F64, F32, F16, BF16 and the integer types (as values); writes F32.
 */
public final class SafeTensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The format's own limit on the header size (100 MB). */
    private static final long MAX_HEADER = 100_000_000L;

    private SafeTensors() {
    }

    /** A malformed, truncated or inconsistent file. The message names the file and the tensor. */
    public static final class FormatException extends IllegalArgumentException {
        public FormatException(String message) {
            super(message);
        }
    }

    private enum DType {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        static DType of(String s) {
            for (DType d : values()) {
                if (d.name().equals(s)) {
                    return d;
                }
            }
            return null;
        }
    }

    /** Reads every tensor of the file, in the order of their data. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String where = "safetensors file " + file;
        if (bytes.length < 8) {
            throw new FormatException(where + ": truncated, " + bytes.length + " bytes, no 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = buf.getLong(0);
        if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > bytes.length) {
            throw new FormatException(where + ": header length " + headerLen + " does not fit the file of "
                    + bytes.length + " bytes (truncated or not a safetensors file)");
        }
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw new FormatException(where + ": header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new FormatException(where + ": header is not a JSON object");
        }
        int dataStart = (int) (8 + headerLen);
        long dataLen = bytes.length - dataStart;
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<Range> ranges = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                continue;
            }
            String at = where + ", tensor '" + name + "'";
            JsonNode t = e.getValue();
            if (!t.isObject() || !t.has("dtype") || !t.has("shape") || !t.has("data_offsets")) {
                throw new FormatException(at + ": entry needs dtype, shape and data_offsets");
            }
            DType dt = DType.of(t.get("dtype").asText());
            if (dt == null) {
                throw new FormatException(at + ": dtype '" + t.get("dtype").asText()
                        + "' is not supported; valid: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL");
            }
            JsonNode shapeNode = t.get("shape");
            if (!shapeNode.isArray()) {
                throw new FormatException(at + ": shape is not an array");
            }
            int[] shape = new int[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = shapeNode.get(i);
                if (!d.canConvertToInt() || !d.isIntegralNumber() || d.asInt() < 0) {
                    throw new FormatException(at + ": shape " + shapeNode + " has a bad dimension");
                }
                shape[i] = d.asInt();
            }
            JsonNode off = t.get("data_offsets");
            if (!off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
                throw new FormatException(at + ": data_offsets must be [begin, end]");
            }
            long begin = off.get(0).asLong();
            long end = off.get(1).asLong();
            long expected = Tensor.elements(shape) * dt.bytes;
            if (begin < 0 || end < begin || end - begin != expected) {
                throw new FormatException(at + ": data_offsets [" + begin + ", " + end + "] hold " + (end - begin)
                        + " bytes, shape " + shapeNode + " of " + dt + " needs " + expected);
            }
            if (end > dataLen) {
                throw new FormatException(at + ": data ends at byte " + end + " of the data buffer, which has only "
                        + dataLen + " bytes (truncated file)");
            }
            ranges.add(new Range(name, begin, end));
            ByteBuffer data = ByteBuffer.wrap(bytes, (int) (dataStart + begin), (int) expected)
                    .slice().order(ByteOrder.LITTLE_ENDIAN);
            out.put(name, new Tensor(name, shape, decode(dt, data, (int) Tensor.elements(shape))));
        }
        // Tensors must not overlap (the format requires a dense, non-overlapping buffer).
        ranges.sort(Comparator.comparingLong(Range::begin).thenComparingLong(Range::end));
        Range prev = null;
        for (Range r : ranges) {
            if (prev != null && r.begin() < prev.end()) {
                throw new FormatException(where + ", tensor '" + r.name() + "': data overlaps tensor '"
                        + prev.name() + "'");
            }
            prev = r;
        }
        return out;
    }

    private record Range(String name, long begin, long end) {
    }

    private static double[] decode(DType dt, ByteBuffer b, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (dt) {
                case F64 -> b.getDouble(i * 8);
                case F32 -> b.getFloat(i * 4);
                case F16 -> halfToFloat(b.getShort(i * 2));
                case BF16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
                case I64 -> b.getLong(i * 8);
                case I32 -> b.getInt(i * 4);
                case I16 -> b.getShort(i * 2);
                case I8 -> b.get(i);
                case U8, BOOL -> b.get(i) & 0xFF;
            };
        }
        return v;
    }

    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits >>> 15) << 31;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0) {
            return (sign != 0 ? -1 : 1) * mant * 0x1p-24f;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * Writes the tensors as F32, names sorted, so that the same tensors give the same bytes. The file
     * is written whole or not at all (a temporary file, then a move).
     */
    public static void write(Path file, Iterable<Tensor> tensors, Map<String, String> metadata) throws IOException {
        TreeMap<String, Tensor> sorted = new TreeMap<>();
        for (Tensor t : tensors) {
            sorted.put(t.name(), t);
        }
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        List<Tensor> order = new ArrayList<>(sorted.values());
        for (Tensor t : order) {
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", "F32");
            var shape = e.putArray("shape");
            for (int d : t.shape()) {
                shape.add(d);
            }
            long end = offset + 4L * t.data().length;
            e.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // keep the data 8-byte aligned, padded with spaces
        ByteBuffer out = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (Tensor t : order) {
            for (double d : t.data()) {
                out.putFloat((float) d);
            }
        }
        org.odegen.model.OutputFile.write(file, out.array());
    }
}
