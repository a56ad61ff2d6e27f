package org.odegen.emit;

import java.util.Locale;

/** A long test's counted lines with an estimate of what is left: the time so far over the rows done. */
final class Progress {
    private final long started = System.nanoTime();

    /** ", about N min left" (or seconds under two minutes) after {@code done} of {@code total}; empty at the end. */
    String left(int done, int total) {
        if (done <= 0 || done >= total) {
            return "";
        }
        double seconds = (System.nanoTime() - started) / 1e9 / done * (total - done);
        return seconds < 120 ? String.format(Locale.ROOT, ", about %.0f s left", seconds)
                : String.format(Locale.ROOT, ", about %.0f min left", seconds / 60);
    }
}
