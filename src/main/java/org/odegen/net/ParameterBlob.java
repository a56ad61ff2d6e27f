package org.odegen.net;

import java.io.IOException;
import java.nio.file.Path;
import org.odegen.fixed.QFormat;
import org.odegen.model.HexWords;
import org.odegen.model.NormMode;

/**
 * The parameter blob of NETWORK.md: what a network engine reads from DDR through its AXI4 master.
 * 32-bit words, each one W-bit raw value sign-extended, in the order of the network's rows and their
 * instances: the stem ({@code conv1.weight}, norm A, norm B), every block ({@code conv1.weight}, norm1 A,
 * norm1 B, {@code conv2.weight}, norm2 A, norm2 B; an ODEBlock's with the time channel at {@code ci = 0}),
 * then {@code fc.weight} row-major and {@code fc.bias}.
 *
 * <p>The words are the {@link Network}'s own quantized tensors, so that the blob, the golden model and
 * the golden logits quantize in one place.
 */
public final class ParameterBlob {
    private ParameterBlob() {
    }

    /** The blob of {@code net}; its length is the network's parameter count ({@link NetworkSpec#params()}). */
    public static int[] of(Network net) {
        long expected = net.description().params();
        int[] out = new int[Math.toIntExact(expected)];
        int at = 0;
        for (Network.Layer layer : net.layers()) {
            int[][] parts;
            if (layer instanceof Network.Stem s) {
                parts = new int[][] {s.conv().raw(), s.norm().rawA(), s.norm().rawB()};
            } else if (layer instanceof Network.Basic b && b.sc() != null) {
                parts = new int[][] {b.c1().raw(), b.n1().rawA(), b.n1().rawB(), b.c2().raw(), b.n2().rawA(),
                    b.n2().rawB(), b.sc().raw(), b.scNorm().rawA(), b.scNorm().rawB()};
            } else if (layer instanceof Network.Basic b) {
                parts = new int[][] {b.c1().raw(), b.n1().rawA(), b.n1().rawB(), b.c2().raw(), b.n2().rawA(),
                    b.n2().rawB()};
            } else if (layer instanceof Network.Ode o) {
                parts = new int[][] {o.c1().raw(), o.n1().rawA(), o.n1().rawB(), o.c2().raw(), o.n2().rawA(),
                    o.n2().rawB()};
            } else if (layer instanceof Network.Classifier c) {
                parts = new int[][] {c.rawW(), c.rawB()};
            } else {
                throw new IllegalStateException("unknown layer " + layer);
            }
            for (int[] p : parts) {
                if (at + p.length > out.length) {
                    throw new IllegalStateException(net.name() + ": the layers hold more than the "
                            + expected + " parameters of its rows");
                }
                System.arraycopy(p, 0, out, at, p.length);
                at += p.length;
            }
        }
        if (at != out.length) {
            throw new IllegalStateException(net.name() + ": the layers hold " + at + " parameters, its rows "
                    + expected);
        }
        return out;
    }

    /** The blob of {@code weights} quantized to {@code format} for {@code norm} (norm A, B per the mode). */
    public static int[] of(Weights weights, NormMode norm, QFormat format) {
        return of(new Network(weights, norm, format));
    }

    /** The blob's length in 32-bit words: the network's parameter count ({@code WEIGHTS_WORDS}). */
    public static long words(NetworkSpec spec) {
        return spec.params();
    }

    /** The blob's length in 32-bit words for any description: its parameter count. */
    public static long words(NetworkDescription description) {
        return description.params();
    }

    /**
     * Reads a blob written as hex words ({@link HexWords}), checking that it has exactly the network's
     * parameter count and that every word is a sign-extended {@code format} value.
     */
    public static int[] read(Path file, NetworkSpec spec, QFormat format) throws IOException {
        return HexWords.read(file, format, Math.toIntExact(words(spec)), "the parameter blob of " + spec.name());
    }
}
