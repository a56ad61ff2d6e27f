package org.odegen.emit;

import java.util.HashMap;
import java.util.Map;

/**
 * The per-element delays of the timing estimate (nanoseconds), for a 7-series part of speed grade -1 such as the
 * XC7Z020-1. Every figure but {@link #NET} is the one Yosys 0.23 ships in its {@code xilinx/cells_sim.v}
 * ({@code specify} blocks and the DSP48E1's {@code required}/{@code arrival} functions), which cites Project X-Ray's
 * timing database of the Artix-7 -1 (the same 28 nm fabric and speed grade, and the quantities that DS187's
 * switching-characteristics tables name: T_ILO, T_CKO, T_BYP, T_RCKO_DO, T_DSPCKO_P, ...). {@link #NET}, a routed
 * net between two cells, is our assumption: no placement exists to measure it. doc/hardware.md lists them all.
 */
final class DelayModel {
    private DelayModel() {
    }

    /** An assumption: one routed net between cells in different slices (no placement here, fanout not modelled). */
    static final double NET = 0.600;

    /** LUT input to output through the fastest pin (A6/I5): Vivado swaps the critical input there (T_ILO). */
    static final double LUT = 0.127;
    /** MUXF7 I0/I1 and S to O; MUXF8 I0/I1 and S to O. */
    static final double MUXF7_I = 0.223;
    static final double MUXF7_S = 0.296;
    static final double MUXF8_I = 0.104;
    static final double MUXF8_S = 0.273;

    /** Flip-flop clock to Q (T_CKO); setup of D (listed as -0.046, taken as 0), CE (T_CECK) and R/S/CLR/PRE (T_SRCK). */
    static final double FF_CKO = 0.303;
    static final double FF_D = 0.0;
    static final double FF_CE = 0.109;
    static final double FF_SR = 0.404;

    /** Block RAM clock to DO without the output register (DO_REG = 0) and with it; setups of ADDR, WE, DI, REGCE, RSTREG. */
    static final double BRAM_CKO = 2.454;
    static final double BRAM_CKO_REG = 0.882;
    static final double BRAM_ADDR = 0.566;
    static final double BRAM_WE = 0.532;
    static final double BRAM_DI = 0.737;
    static final double BRAM_REGCE = 0.360;
    static final double BRAM_RSTREG = 0.342;

    /** Distributed RAM: write clock to out, setups of D, WE and the write address (worst pin). */
    static final double LUTRAM_CKO = 1.153;
    static final double LUTRAM_D = 0.453;
    static final double LUTRAM_WE = 0.654;
    static final double LUTRAM_WA = 0.362;
    /** A 128-deep LUT RAM reads through an F7 mux: LUT + F7 + the AMUX output. */
    static final double LUTRAM128_READ = 0.127 + 0.193 + 0.175;
    /** Shift register (SRL16E, SRLC32E): clock to Q, clock to Q31, setups of D and CE. */
    static final double SRL_CKO = 1.472;
    static final double SRL_CKO_Q31 = 1.114;
    static final double SRL_D = 0.173;
    static final double SRL_CE = 0.109;

    /**
     * DSP48E1 control inputs (CE*, RST*, registered OPMODE/ALUMODE/INMODE/CARRYIN): no figure in the source; an
     * assumption, about a slice flip-flop's reset setup.
     */
    static final double DSP_CTRL = 0.500;

    /** CARRY4 arcs, from the specify block: input pin (with bit) to output pin (with bit). */
    private static final Map<String, Double> CARRY4 = carry4();

    private static Map<String, Double> carry4() {
        String table = """
                CYINIT O0 482, S0 O0 223, CI O0 222,
                CYINIT O1 598, DI0 O1 407, S0 O1 400, S1 O1 205, CI O1 334,
                CYINIT O2 584, DI0 O2 556, DI1 O2 537, S0 O2 523, S1 O2 558, S2 O2 226, CI O2 239,
                CYINIT O3 642, DI0 O3 615, DI1 O3 596, DI2 O3 438, S0 O3 582, S1 O3 618, S2 O3 330, S3 O3 227, CI O3 313,
                CYINIT CO0 536, DI0 CO0 379, S0 CO0 340, CI CO0 271,
                CYINIT CO1 494, DI0 CO1 465, DI1 CO1 445, S0 CO1 433, S1 CO1 469, CI CO1 157,
                CYINIT CO2 592, DI0 CO2 540, DI1 CO2 520, DI2 CO2 356, S0 CO2 512, S1 CO2 548, S2 CO2 292, CI CO2 228,
                CYINIT CO3 580, DI0 CO3 526, DI1 CO3 507, DI2 CO3 398, DI3 CO3 385, S0 CO3 508, S1 CO3 528, S2 CO3 378,
                S3 CO3 380, CI CO3 114""";
        Map<String, Double> m = new HashMap<>();
        for (String arc : table.replace("\n", " ").split(",")) {
            String[] w = arc.trim().split(" ");
            m.put(w[0] + ">" + w[1], Integer.parseInt(w[2]) / 1000.0);
        }
        return m;
    }

    /** The CARRY4 arc from {@code in} (such as {@code S2}, {@code CI}) to {@code out} ({@code CO3}), or -1 if none. */
    static double carry4(String in, String out) {
        return CARRY4.getOrDefault(in + ">" + out, -1.0);
    }

    /** DSP48E1 register settings that decide its timing (parameters of the cell). */
    record Dsp(boolean areg, boolean breg, boolean creg, boolean mreg, boolean preg, boolean multiply) {
        /** Setup of A (or ACIN) at the first register it reaches. */
        double a() {
            return areg ? 0.254 : multiply ? (mreg ? 1.416 : preg ? 2.739 : -1) : (preg ? 1.441 : -1);
        }

        double b() {
            return breg ? 0.324 : multiply ? (mreg ? 1.285 : preg ? 2.608 : -1) : (preg ? 1.428 : -1);
        }

        /** Setup of C; PCIN and the unregistered ALU controls take the same figure (they enter the same ALU). */
        double c() {
            return creg ? 0.168 : preg ? 1.244 : -1;
        }

        /** Clock to P (and the +0.106 ns of PCOUT): from PREG, else from the latest register before the ALU. */
        double pArrival() {
            if (preg) {
                return 0.329;
            }
            if (creg || mreg) {
                return creg ? 1.687 : 1.671;
            }
            if (multiply) {
                return areg ? 2.952 : breg ? 2.813 : -1;
            }
            return areg ? 1.632 : breg ? 1.616 : -1;
        }

        double pcoutArrival() {
            double p = pArrival();
            return p < 0 ? -1 : p + (preg ? 0.106 : 0.148);
        }

        /** Combinational A, B, C (or PCIN) to P when no register is on that path. */
        double aToP() {
            return multiply ? 2.823 : 1.523;
        }

        double bToP() {
            return multiply ? 2.690 : 1.509;
        }

        double cToP() {
            return 1.325;
        }
    }
}
