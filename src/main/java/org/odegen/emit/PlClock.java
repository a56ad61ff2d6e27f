package org.odegen.emit;

import java.util.Locale;

/**
 * The PL clock that {@code vivado/build.tcl} asks the Zynq's PS7 for (FCLK_CLK0). The PYNQ-Z2's PS7 makes it from
 * its IO PLL at 1,000 MHz through integer dividers, so the clocks it makes exactly are 1000 / d MHz: 200, 166.7,
 * 142.9, 125, 111.1, 100, ... A folder built with the timing estimate asks for the fastest of those the estimate
 * supports, at least {@link #DEFAULT_MHZ}; a folder without one asks for {@link #DEFAULT_MHZ}. Asking for a clock
 * that is not one of them would get the nearest, which may be faster than asked.
 */
public record PlClock(int divider) {
    /** The PS7's IO PLL on the PYNQ-Z2 (its board preset), MHz. */
    public static final int IO_PLL_MHZ = 1000;
    /** The clock without an estimate, and the slowest this picks: 1000 / 10. */
    public static final int DEFAULT_MHZ = 100;
    /** The fastest this picks, 1000 / 5: faster than any path a DSP48E1 or block RAM of the -1 part makes. */
    public static final int FASTEST_DIVIDER = 5;

    public PlClock {
        if (divider < FASTEST_DIVIDER || divider > IO_PLL_MHZ / DEFAULT_MHZ) {
            throw new IllegalArgumentException("the IO PLL's divider " + divider + " is outside "
                    + FASTEST_DIVIDER + ".." + IO_PLL_MHZ / DEFAULT_MHZ);
        }
    }

    public static final PlClock DEFAULT = new PlClock(IO_PLL_MHZ / DEFAULT_MHZ);

    /** The fastest clock of 1000 / d MHz at or under {@code fmaxMhz}; {@link #DEFAULT} when even that is over it. */
    public static PlClock supportedBy(double fmaxMhz) {
        for (int d = FASTEST_DIVIDER; d < IO_PLL_MHZ / DEFAULT_MHZ; d++) {
            if ((double) IO_PLL_MHZ / d <= fmaxMhz + 1e-9) {
                return new PlClock(d);
            }
        }
        return DEFAULT;
    }

    /** The clock that the estimate of a folder supports, or {@link #DEFAULT} without one. */
    public static PlClock of(YosysEstimate estimate) {
        return estimate == null || estimate.timing() == null ? DEFAULT : supportedBy(estimate.timing().fmaxMhz());
    }

    public double mhz() {
        return (double) IO_PLL_MHZ / divider;
    }

    /** The clock's period, ns. */
    public double periodNs() {
        return divider * 1000.0 / IO_PLL_MHZ;
    }

    /** As build.tcl and the reports write it: whole MHz where it is whole, else three decimals (142.857). */
    public String text() {
        return IO_PLL_MHZ % divider == 0 ? Integer.toString(IO_PLL_MHZ / divider)
                : String.format(Locale.ROOT, "%.3f", mhz());
    }
}
