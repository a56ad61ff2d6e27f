package org.odegen.report;

import java.io.PrintStream;
import java.util.Locale;

/** One line per long step: which one, how many are left, the time so far. */
final class Progress {
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final int total;
    private int done;

    Progress(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    synchronized void step(String what) {
        done++;
        long s = (System.nanoTime() - start) / 1_000_000_000L;
        out.printf(Locale.ROOT, "[report %d/%d, %d left, %dm%02ds] %s%n", done, total, total - done, s / 60, s % 60, what);
        out.flush();
    }

    long elapsedSeconds() {
        return (System.nanoTime() - start) / 1_000_000_000L;
    }
}
