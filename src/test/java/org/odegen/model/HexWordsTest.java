package org.odegen.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.odegen.fixed.QFormat;

class HexWordsTest {
    @TempDir
    Path dir;

    @Test
    void writesReadmemhWordsAndReadsThemBack() throws Exception {
        int[] words = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 0x00123456};
        Path f = dir.resolve("z.hex");
        HexWords.write(f, words);
        assertEquals("00000000\nffffffff\n80000000\n7fffffff\n00123456\n", Files.readString(f));
        assertArrayEquals(words, HexWords.read(f, QFormat.Q32_20));
    }

    @Test
    void acceptsCommentsAndShortWordsAndChecksWidth() throws Exception {
        Path f = dir.resolve("c.hex");
        Files.writeString(f, "// header\n1f\n\nffffff80 // -128\n");
        assertArrayEquals(new int[] {31, -128}, HexWords.read(f, new QFormat(8, 4)));
        Files.writeString(f, "80\n");
        var e = assertThrows(IllegalArgumentException.class, () -> HexWords.read(f, new QFormat(8, 4)));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("Q8.4"), e.getMessage());
    }

    @Test
    void namesTheFileAndLineOfAMalformedWord() throws Exception {
        Path f = dir.resolve("bad.hex");
        Files.writeString(f, "00000001\n12345678x\n");
        var e = assertThrows(IllegalArgumentException.class, () -> HexWords.read(f, QFormat.Q32_20));
        assertTrue(e.getMessage().contains("bad.hex") && e.getMessage().contains("line 2"), e.getMessage());
        Files.writeString(f, "1\n2\n");
        e = assertThrows(IllegalArgumentException.class, () -> HexWords.read(f, QFormat.Q32_20, 3, "z_0"));
        assertTrue(e.getMessage().contains("z_0 needs 3 words, the file has 2"), e.getMessage());
    }
}
