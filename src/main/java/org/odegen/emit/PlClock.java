package org.odegen.emit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The PL clock that {@code vivado/build.tcl} asks the Zynq's PS7 for (FCLK_CLK0). The PS7 makes it from one of its
 * PLLs through integer dividers: on the PYNQ-Z2 the IO PLL at 1,000 MHz (200, 166.7, 142.9, 125, 111.1, 100 MHz,
 * ...) or the DDR PLL at 1,050 MHz, twice the board's DDR3 clock of 525 MHz, which {@code build.tcl} sets (175,
 * 150, 131.25, 116.7, 105 MHz). A folder built with the timing estimate asks for the fastest of those the estimate
 * supports, at least {@link #DEFAULT_MHZ}; a folder without one asks for {@link #DEFAULT_MHZ}. Asking for a clock
 * neither makes would get the nearest, which may be faster than asked.
 */
public record PlClock(Pll pll, int divider) {
    /** A PS7 PLL that FCLK_CLK0 may come from, as the PS7's {@code PCW_FCLK0_PERIPHERAL_CLKSRC} names it. */
    public enum Pll {
        /** The IO PLL of the PYNQ-Z2's board preset. */
        IO("IO PLL", 1000),
        /** The DDR PLL: twice the DDR3 clock, 525 MHz on the PYNQ-Z2 (build.tcl's {@code PCW_UIPARAM_DDR_FREQ_MHZ}). */
        DDR("DDR PLL", 1050);

        public final String tclName;
        public final int mhz;

        Pll(String tclName, int mhz) {
            this.tclName = tclName;
            this.mhz = mhz;
        }
    }

    /** The clock without an estimate, and the slowest this picks: 1000 / 10. */
    public static final int DEFAULT_MHZ = 100;
    /** The fastest this picks: faster than any path a DSP48E1 or block RAM of the -1 part makes. */
    public static final int FASTEST_MHZ = 200;

    public PlClock {
        double mhz = (double) pll.mhz / divider;
        if (divider < 1 || mhz > FASTEST_MHZ + 1e-9 || mhz < DEFAULT_MHZ - 1e-9) {
            throw new IllegalArgumentException("the " + pll.tclName + "'s divider " + divider + " makes "
                    + String.format(Locale.ROOT, "%.3f", mhz) + " MHz, outside " + DEFAULT_MHZ + ".." + FASTEST_MHZ);
        }
    }

    /** The IO PLL's clock 1000 / {@code divider} MHz. */
    public PlClock(int divider) {
        this(Pll.IO, divider);
    }

    public static final PlClock DEFAULT = new PlClock(Pll.IO.mhz / DEFAULT_MHZ);

    /** Every clock the two PLLs make between {@link #DEFAULT_MHZ} and {@link #FASTEST_MHZ}, fastest first (the IO
     * PLL's first where both make one). */
    public static List<PlClock> all() {
        List<PlClock> clocks = new ArrayList<>();
        for (Pll pll : Pll.values()) {
            for (int d = 1; (double) pll.mhz / d >= DEFAULT_MHZ - 1e-9; d++) {
                if ((double) pll.mhz / d <= FASTEST_MHZ + 1e-9) {
                    clocks.add(new PlClock(pll, d));
                }
            }
        }
        clocks.sort(Comparator.comparingDouble(PlClock::mhz).reversed());
        return clocks;
    }

    /** The fastest clock at or under {@code fmaxMhz}; {@link #DEFAULT} when even that is over it. */
    public static PlClock supportedBy(double fmaxMhz) {
        for (PlClock c : all()) {
            if (c.mhz() <= fmaxMhz + 1e-9) {
                return c;
            }
        }
        return DEFAULT;
    }

    /** The clock that the estimate of a folder supports, or {@link #DEFAULT} without one. */
    public static PlClock of(YosysEstimate estimate) {
        return estimate == null || estimate.timing() == null ? DEFAULT : supportedBy(estimate.timing().fmaxMhz());
    }

    public double mhz() {
        return (double) pll.mhz / divider;
    }

    /** The clock's period, ns. */
    public double periodNs() {
        return divider * 1000.0 / pll.mhz;
    }

    /** How the PS7 makes it, as the reports say: "1000 MHz / 7", "the DDR PLL's 1050 MHz / 7". */
    public String made() {
        return (pll == Pll.IO ? "" : "the DDR PLL's ") + pll.mhz + " MHz / " + divider;
    }

    /** As build.tcl and the reports write it: whole MHz where it is whole, else three decimals (142.857). */
    public String text() {
        if (pll.mhz % divider == 0) {
            return Integer.toString(pll.mhz / divider);
        }
        String s = String.format(Locale.ROOT, "%.3f", mhz());
        return s.replaceAll("0+$", "");
    }
}
