package org.odegen.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.odegen.model.FloatMap;

/**
 * A labeled image set of any C x H x W, as odegen_torch's {@code data.write_images} writes it (train.py
 * {@code --test-images}): a 16-byte header, {@code "ODEGENIM"} then C, H and W as little-endian uint16 and two zero
 * bytes; then one record an image, a label byte and C*H*W pixel bytes (channel-major, then row-major). The header
 * holds the shape because a file of bare records cannot say which network it fits; {@link #check} refuses a set whose
 * shape or labels the network's description does not take.
 */
public record ImageSet(int channels, int height, int width, List<Sample> samples) {
    public static final byte[] MAGIC = "ODEGENIM".getBytes(StandardCharsets.US_ASCII);
    public static final int HEADER_BYTES = 16;

    public ImageSet {
        samples = List.copyOf(samples);
        for (Sample s : samples) {
            if (s.pixels().length != channels * height * width) {
                throw new IllegalArgumentException("an image of " + s.pixels().length + " pixel bytes in a set of "
                        + channels + "x" + height + "x" + width);
            }
        }
    }

    /** One image: its label and its pixel bytes. */
    public record Sample(int label, byte[] pixels) {
        /** The image normalized as MODEL.md and the driver do: {@code (p / 255 - mean[c]) / std[c]}. */
        public FloatMap normalized(NetworkDescription d) {
            NetworkDescription.Shape s = d.input();
            double[] v = new double[pixels.length];
            for (int i = 0; i < v.length; i++) {
                int c = i / s.pixels();
                v[i] = ((pixels[i] & 0xFF) / 255.0 - d.mean().get(c)) / d.std().get(c);
            }
            return new FloatMap(s.channels(), s.height(), s.width(), v);
        }
    }

    /** The shape as the descriptions write it, C x H x W. */
    public String shape() {
        return channels + "x" + height + "x" + width;
    }

    /** Refuses, in one line, a set the description's network cannot classify: another shape, a label past its classes. */
    public void check(NetworkDescription d, Path file) {
        NetworkDescription.Shape in = d.input();
        if (in.channels() != channels || in.height() != height || in.width() != width) {
            throw new IllegalArgumentException("image set " + file + " holds " + shape() + " images; the network takes "
                    + in.channels() + "x" + in.height() + "x" + in.width());
        }
        for (int i = 0; i < samples.size(); i++) {
            if (samples.get(i).label() >= d.classes()) {
                throw new IllegalArgumentException("image set " + file + ", image " + i + ": label "
                        + samples.get(i).label() + ", the network has " + d.classes() + " classes (0.." + (d.classes() - 1)
                        + ")");
            }
        }
    }

    /** Reads at most {@code limit} images (all when {@code limit <= 0}). */
    public static ImageSet read(Path file, int limit) throws IOException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] header = in.readNBytes(HEADER_BYTES);
            if (header.length < HEADER_BYTES || !Arrays.equals(Arrays.copyOf(header, MAGIC.length), MAGIC)) {
                throw new IllegalArgumentException("image set " + file + ": no ODEGENIM header (write one with train.py "
                        + "--test-images or odegen_torch.data.write_images; CIFAR-100 files go without --model)");
            }
            ByteBuffer b = ByteBuffer.wrap(header, MAGIC.length, 8).order(ByteOrder.LITTLE_ENDIAN);
            int c = b.getShort() & 0xFFFF;
            int h = b.getShort() & 0xFFFF;
            int w = b.getShort() & 0xFFFF;
            long record = 1L + (long) c * h * w;
            if (c == 0 || h == 0 || w == 0 || (size - HEADER_BYTES) % record != 0) {
                throw new IllegalArgumentException("image set " + file + ": " + (size - HEADER_BYTES)
                        + " bytes after the header are not a whole number of " + record + "-byte records (1 label, "
                        + c + "x" + h + "x" + w + " pixels)");
            }
            long records = (size - HEADER_BYTES) / record;
            int n = (int) (limit > 0 ? Math.min(limit, records) : records);
            List<Sample> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] rec = in.readNBytes((int) record);
                if (rec.length != record) {
                    throw new IllegalArgumentException("image set " + file + ": image " + i + " is truncated");
                }
                out.add(new Sample(rec[0] & 0xFF, Arrays.copyOfRange(rec, 1, rec.length)));
            }
            return new ImageSet(c, h, w, out);
        }
    }

    /** Writes the set (for tests and small hand-made sets). */
    public static void write(Path file, ImageSet set) throws IOException {
        int pixels = set.channels() * set.height() * set.width();
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + set.samples().size() * (1 + pixels))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) set.channels()).putShort((short) set.height()).putShort((short) set.width())
                .putShort((short) 0);
        for (Sample s : set.samples()) {
            b.put((byte) s.label()).put(s.pixels());
        }
        Files.write(file, b.array());
    }
}
