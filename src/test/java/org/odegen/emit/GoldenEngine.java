package org.odegen.emit;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.odegen.fixed.QFormat;
import org.odegen.model.FixedMap;
import org.odegen.model.NormMode;
import org.odegen.net.Network;
import org.odegen.net.NetworkSpec;
import org.odegen.net.ParameterBlob;
import org.odegen.net.Variant;
import org.odegen.net.Weights;

/**
 * The network engine behind the fake {@code pynq} of {@code src/test/python/fake_pynq} (FAKE_ENGINE): the golden
 * model run on the words the driver put in "DDR" and streamed in, so that the driver's test compares its logits
 * with the golden model's through the driver's own register and buffer calls.
 * <pre>GoldenEngine variant depth norm W.F weights.safetensors blob.bin image.bin logits.bin</pre>
 * The engine computes from the blob's network only: a blob that is not the golden model's (byte for byte)
 * stops it with the first differing word, as the engine's logits would differ.
 */
public final class GoldenEngine {
    private GoldenEngine() {
    }

    static int[] readInts(Path f) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.remaining() / 4];
        b.asIntBuffer().get(out);
        return out;
    }

    static byte[] bytes(int[] words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(words);
        return b.array();
    }

    public static void main(String[] a) throws Exception {
        NetworkSpec spec = NetworkSpec.of(Variant.parse(a[0]), Integer.parseInt(a[1]));
        NormMode norm = NormMode.parse(a[2]);
        Network net = new Network(Weights.read(spec, Path.of(a[4]), norm == NormMode.FOLDED), norm, QFormat.parse(a[3]));
        int[] blob = readInts(Path.of(a[5]));
        int mismatch = Arrays.mismatch(blob, ParameterBlob.of(net));
        if (mismatch >= 0) {
            System.err.println("the blob in DDR differs from the golden model's at word " + mismatch);
            System.exit(3);
        }
        int[] image = readInts(Path.of(a[6]));
        int[] logits = net.forwardFixed(new FixedMap(3, 32, 32, image), Network.GOLDEN);
        Files.write(Path.of(a[7]), bytes(logits));
    }
}
