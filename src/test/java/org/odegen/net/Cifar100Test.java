package org.odegen.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class Cifar100Test {
    @TempDir
    Path dir;

    public static List<Cifar100.Sample> samples(int n) {
        List<Cifar100.Sample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[3072];
            for (int j = 0; j < px.length; j++) {
                px[j] = (byte) (i * 31 + j * 7);
            }
            out.add(new Cifar100.Sample(i % 20, (i * 13) % 100, px));
        }
        return out;
    }

    @Test
    void readsRecordsAndNormalizesPerChannel() throws Exception {
        Path f = dir.resolve("test.bin");
        Cifar100.write(f, samples(3));
        assertEquals(3 * 3074, Files.size(f));
        List<Cifar100.Sample> back = Cifar100.read(f, 0);
        assertEquals(3, back.size());
        assertEquals(13, back.get(1).fineLabel());
        assertEquals(1, back.get(1).coarseLabel());
        assertEquals(2, Cifar100.read(f, 2).size());
        var img = back.get(0).normalized();
        assertEquals((0 / 255.0 - 0.5071) / 0.2673, img.get(0, 0, 0), 1e-12);
        int px = back.get(0).pixels()[1024 + 5] & 0xFF;
        assertEquals((px / 255.0 - 0.4865) / 0.2564, img.get(1, 0, 5), 1e-12);
    }

    @Test
    void truncatedOrBadFilesAreNamed() throws Exception {
        Path f = dir.resolve("cut.bin");
        Cifar100.write(f, samples(2));
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 10));
        var e = assertThrows(IllegalArgumentException.class, () -> Cifar100.read(f, 0));
        assertTrue(e.getMessage().contains("cut.bin") && e.getMessage().contains("record 1 is truncated"),
                e.getMessage());
        all[3074 + 1] = (byte) 100;
        Files.write(f, all);
        e = assertThrows(IllegalArgumentException.class, () -> Cifar100.read(f, 0));
        assertTrue(e.getMessage().contains("record 1") && e.getMessage().contains("fine 100"), e.getMessage());
    }
}
