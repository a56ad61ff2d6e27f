package org.odegen.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.odegen.fixed.QFormat;

/**
 * {@code $readmemh} text files of 32-bit words, one two's-complement word per line (8 hex digits
 * written; 1 to 8 read), the format of golden vectors and of the {@code block} command's files.
 * Blank lines and {@code //} comments are allowed when reading.
 */
public final class HexWords {
    private HexWords() {
    }

    /** Reads the words of {@code file}; each must be a W-bit value of {@code format} (sign-extended). */
    public static int[] read(Path file, QFormat format) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        int[] words = new int[lines.size()];
        int n = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf("//");
            String s = (comment >= 0 ? line.substring(0, comment) : line).trim();
            if (s.isEmpty()) {
                continue;
            }
            if (s.length() > 8 || !s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                throw new IllegalArgumentException("hex file " + file + ", line " + (i + 1) + ": '" + s
                        + "' is not a 32-bit hex word (1 to 8 hex digits)");
            }
            int v = (int) Long.parseLong(s, 16);
            if (!format.fits(v)) {
                throw new IllegalArgumentException("hex file " + file + ", line " + (i + 1) + ": " + s
                        + " is not a sign-extended " + format + " word");
            }
            words[n++] = v;
        }
        return java.util.Arrays.copyOf(words, n);
    }

    /** Reads exactly {@code expected} words, naming what they are if the count differs. */
    public static int[] read(Path file, QFormat format, int expected, String what) throws IOException {
        int[] w = read(file, format);
        if (w.length != expected) {
            throw new IllegalArgumentException("hex file " + file + ": " + what + " needs " + expected
                    + " words, the file has " + w.length);
        }
        return w;
    }

    public static String format(int[] words) {
        StringBuilder sb = new StringBuilder(words.length * 9);
        for (int w : words) {
            sb.append(String.format("%08x", w)).append('\n');
        }
        return sb.toString();
    }

    /** Writes the words, whole or not at all. */
    public static void write(Path file, int[] words) throws IOException {
        OutputFile.write(file, format(words).getBytes(StandardCharsets.US_ASCII));
    }
}
