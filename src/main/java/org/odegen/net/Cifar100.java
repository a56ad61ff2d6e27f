package org.odegen.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.odegen.model.FloatMap;

/**
 * The CIFAR-100 binary format ({@code train.bin}, {@code test.bin}): records of one coarse-label
 * byte, one fine-label byte and 3072 pixel bytes (1024 red, 1024 green, 1024 blue, row-major 32x32).
 */
public final class Cifar100 {
    public static final int RECORD_BYTES = 2 + 3 * 32 * 32;
    /** Per-channel mean and standard deviation of the CIFAR-100 training set (the usual normalization). */
    public static final double[] MEAN = {0.5071, 0.4865, 0.4409};
    public static final double[] STD = {0.2673, 0.2564, 0.2762};

    private Cifar100() {
    }

    /** One image. */
    public record Sample(int coarseLabel, int fineLabel, byte[] pixels) {
        /** The normalized image, {@code (pixel / 255 - mean[c]) / std[c]}. */
        public FloatMap normalized() {
            double[] v = new double[3 * 1024];
            for (int i = 0; i < v.length; i++) {
                int c = i / 1024;
                v[i] = ((pixels[i] & 0xFF) / 255.0 - MEAN[c]) / STD[c];
            }
            return new FloatMap(3, 32, 32, v);
        }
    }

    /** Reads at most {@code limit} records (all when {@code limit <= 0}). */
    public static List<Sample> read(Path file, int limit) throws IOException {
        long size = Files.size(file);
        if (size == 0 || size % RECORD_BYTES != 0) {
            throw new IllegalArgumentException("CIFAR-100 file " + file + ": " + size + " bytes is not a whole number of "
                    + RECORD_BYTES + "-byte records (1 coarse label, 1 fine label, 3072 pixels)"
                    + (size > 0 ? "; record " + size / RECORD_BYTES + " is truncated" : ""));
        }
        long records = size / RECORD_BYTES;
        int n = (int) (limit > 0 ? Math.min(limit, records) : records);
        List<Sample> out = new ArrayList<>(n);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] rec = new byte[RECORD_BYTES];
            for (int i = 0; i < n; i++) {
                if (in.readNBytes(rec, 0, RECORD_BYTES) != RECORD_BYTES) {
                    throw new IllegalArgumentException("CIFAR-100 file " + file + ": record " + i + " is truncated");
                }
                int coarse = rec[0] & 0xFF;
                int fine = rec[1] & 0xFF;
                if (coarse >= 20 || fine >= 100) {
                    throw new IllegalArgumentException("CIFAR-100 file " + file + ", record " + i + ": labels coarse "
                            + coarse + " (valid 0..19), fine " + fine + " (valid 0..99)");
                }
                byte[] px = new byte[3072];
                System.arraycopy(rec, 2, px, 0, 3072);
                out.add(new Sample(coarse, fine, px));
            }
        }
        return out;
    }

    /** Writes records (for tests and small hand-made sets). */
    public static void write(Path file, List<Sample> samples) throws IOException {
        byte[] out = new byte[samples.size() * RECORD_BYTES];
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            out[i * RECORD_BYTES] = (byte) s.coarseLabel();
            out[i * RECORD_BYTES + 1] = (byte) s.fineLabel();
            System.arraycopy(s.pixels(), 0, out, i * RECORD_BYTES + 2, 3072);
        }
        Files.write(file, out);
    }
}
