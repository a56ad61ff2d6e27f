package org.odegen.hw;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hardware stays in small components (issue 23): no source file of {@code generator/org/odegen/hw} over
 * 400 lines, so that a top is assembled from parts and not grown back into a monolith.
 */
class HardwareSourceSizeTest {
    private static final int MAX_LINES = 400;

    @Test
    void noHardwareFileOverFourHundredLines() throws IOException {
        Path hw = Path.of("generator", "org", "odegen", "hw");
        List<String> tooLong = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.list(hw)) {
            for (Path f : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".scala")).sorted()::iterator) {
                files++;
                long lines;
                try (Stream<String> l = Files.lines(f)) {
                    lines = l.count();
                }
                if (lines > MAX_LINES) {
                    tooLong.add(f.getFileName() + " (" + lines + " lines)");
                }
            }
        }
        assertTrue(files >= 20, "the hardware's sources are found: " + files + " files in " + hw);
        assertTrue(tooLong.isEmpty(), "over " + MAX_LINES + " lines: " + tooLong);
    }
}
