package org.odegen.emit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.odegen.emit.TimingNetlist.Pin;

/**
 * The timing of a netlist's cells, pin by pin, with {@link DelayModel}'s figures: the clock-to-out of the outputs that
 * start paths, the setup of the inputs that end them, the combinational arcs from an input to the outputs, and the
 * routed net's delay into a pin. {@link TimingWalk} times the paths with them.
 */
final class TimingArcs {
    private final TimingNetlist netlist;

    TimingArcs(TimingNetlist netlist) {
        this.netlist = netlist;
    }

    private DelayModel.Dsp dsp(int cell) {
        String mult = netlist.params.get(cell).getOrDefault("USE_MULT", "MULTIPLY");
        return new DelayModel.Dsp(netlist.param(cell, "AREG", 1) > 0, netlist.param(cell, "BREG", 1) > 0,
                netlist.param(cell, "CREG", 1) > 0, netlist.param(cell, "MREG", 1) > 0,
                netlist.param(cell, "PREG", 1) > 0, !mult.equals("NONE"));
    }

    static boolean isLut(String t) {
        return t.matches("LUT[1-6]") || t.equals("INV");
    }

    static boolean isLutRam(String t) {
        return t.matches("RAM\\d+X\\d+[SD](_1)?|RAM32M|RAM64M|RAM32M16|RAM64M8");
    }

    private static boolean isFf(String t) {
        return t.matches("FD(RE|SE|CE|PE)(_1)?");
    }

    /** Clock-to-out of an output pin of a sequential cell, or -1 if that output is not a start point. */
    double start(int cell, String port) {
        String t = netlist.types.get(cell);
        if (isFf(t)) {
            return DelayModel.FF_CKO;
        }
        if (t.startsWith("RAMB")) {
            boolean a = port.startsWith("DOA") || port.startsWith("DOPA") || port.equals("CASCADEOUTA");
            int reg = netlist.param(cell, a ? "DOA_REG" : "DOB_REG", 0);
            return reg > 0 ? DelayModel.BRAM_CKO_REG : DelayModel.BRAM_CKO;
        }
        if (isLutRam(t)) {
            return DelayModel.LUTRAM_CKO;
        }
        if (t.startsWith("SRL")) {
            return port.equals("Q31") ? DelayModel.SRL_CKO_Q31 : DelayModel.SRL_CKO;
        }
        if (t.equals("DSP48E1")) {
            DelayModel.Dsp d = dsp(cell);
            return port.equals("PCOUT") || port.equals("ACOUT") || port.equals("BCOUT") ? d.pcoutArrival()
                    : d.pArrival();
        }
        if (t.equals("IBUF")) {
            return DelayModel.FF_CKO;   // a register outside the block drives every input
        }
        return -1;
    }

    /** Setup of an input pin that ends paths, or -1 if it ends none. */
    double setup(int cell, String port) {
        String t = netlist.types.get(cell);
        if (isFf(t)) {
            return switch (port) {
                case "D" -> DelayModel.FF_D;
                case "CE" -> DelayModel.FF_CE;
                case "R", "S", "CLR", "PRE" -> DelayModel.FF_SR;
                default -> -1;
            };
        }
        if (t.startsWith("RAMB")) {
            if (port.startsWith("CLK")) {
                return -1;
            }
            if (port.startsWith("ADDR") || port.startsWith("EN") || port.startsWith("CASCADEIN")) {
                return DelayModel.BRAM_ADDR;    // EN and CASCADEIN: no figure in the source, the address's
            }
            if (port.startsWith("WE")) {
                return DelayModel.BRAM_WE;
            }
            if (port.startsWith("DI")) {
                return DelayModel.BRAM_DI;
            }
            if (port.startsWith("REGCE")) {
                return DelayModel.BRAM_REGCE;
            }
            if (port.startsWith("RST")) {
                return DelayModel.BRAM_RSTREG;
            }
            return DelayModel.BRAM_ADDR;
        }
        if (isLutRam(t)) {
            if (port.equals("WCLK")) {
                return -1;
            }
            if (port.equals("WE")) {
                return DelayModel.LUTRAM_WE;
            }
            if (port.equals("D") || port.startsWith("DI")) {
                return DelayModel.LUTRAM_D;
            }
            // the write address: ADDRD of the multi-port RAMs, A of the others
            if (port.equals("ADDRD") || port.equals("A") || port.matches("A\\d")) {
                return DelayModel.LUTRAM_WA;
            }
            return -1;
        }
        if (t.startsWith("SRL")) {
            return port.equals("D") ? DelayModel.SRL_D : port.equals("CE") ? DelayModel.SRL_CE : -1;
        }
        if (t.equals("DSP48E1")) {
            DelayModel.Dsp d = dsp(cell);
            return switch (port) {
                case "A", "ACIN" -> d.a();
                case "B", "BCIN" -> d.b();
                case "C", "PCIN" -> d.c();
                case "CLK" -> -1;
                case "D" -> d.a();
                case "OPMODE", "ALUMODE", "CARRYIN", "CARRYINSEL", "CARRYCASCIN" ->
                    netlist.param(cell, port.startsWith("CARRY") ? "CARRYINREG" : port + "REG", 1) > 0 ? DelayModel.DSP_CTRL
                            : d.preg() ? d.c() : -1;
                default -> DelayModel.DSP_CTRL;    // CE*, RST*, INMODE, MULTSIGNIN
            };
        }
        if (t.equals("OBUF")) {
            return DelayModel.FF_D;     // a register outside the block takes every output
        }
        return -1;
    }

    /** Combinational arcs from input pin {@code in} to the cell's outputs: (output pin, delay). */
    List<Map.Entry<Pin, Double>> arcs(int cell, String in, int inBit) {
        String t = netlist.types.get(cell);
        List<Map.Entry<Pin, Double>> r = new ArrayList<>();
        Map<String, int[]> o = netlist.outs.get(cell);
        if (isLut(t)) {
            r.add(Map.entry(new Pin(cell, "O", -1), DelayModel.LUT));
        } else if (t.equals("MUXF7") || t.equals("MUXF8")) {
            boolean s = in.equals("S");
            double d = t.equals("MUXF7") ? (s ? DelayModel.MUXF7_S : DelayModel.MUXF7_I)
                    : (s ? DelayModel.MUXF8_S : DelayModel.MUXF8_I);
            r.add(Map.entry(new Pin(cell, "O", -1), d));
        } else if (t.equals("CARRY4")) {
            String from = in.equals("CI") || in.equals("CYINIT") ? in : in + Math.max(inBit, 0);
            for (String port : List.of("O", "CO")) {
                int[] bits = o.get(port);
                for (int i = 0; bits != null && i < bits.length; i++) {
                    double d = DelayModel.carry4(from, port + i);
                    if (d >= 0 && bits[i] >= 0) {
                        r.add(Map.entry(new Pin(cell, port, i), d));
                    }
                }
            }
        } else if (isLutRam(t) || t.startsWith("SRL")) {
            String target = readTarget(t, in);
            if (target != null && o.containsKey(target)) {
                double d = t.startsWith("RAM128") || t.startsWith("RAM256") ? DelayModel.LUTRAM128_READ : DelayModel.LUT;
                int[] bits = o.get(target);
                for (int i = 0; i < bits.length; i++) {
                    r.add(Map.entry(new Pin(cell, target, bits.length == 1 ? -1 : i), d));
                }
            }
        } else if (t.equals("DSP48E1")) {
            DelayModel.Dsp d = dsp(cell);
            double arc = switch (in) {
                case "A", "ACIN" -> d.a() < 0 ? d.aToP() : -1;
                case "B", "BCIN" -> d.b() < 0 ? d.bToP() : -1;
                case "C", "PCIN" -> d.c() < 0 ? d.cToP() : -1;
                default -> -1;
            };
            if (arc >= 0) {
                for (String port : List.of("P", "PCOUT")) {
                    int[] bits = o.get(port);
                    for (int i = 0; bits != null && i < bits.length; i++) {
                        r.add(Map.entry(new Pin(cell, port, i), arc + (port.equals("PCOUT") ? 0.148 : 0)));
                    }
                }
            }
        } else if (t.equals("BUFG") || t.equals("IBUF") || t.equals("OBUF") || t.startsWith("RAMB") || isFf(t)
                || t.equals("GND") || t.equals("VCC")) {
            return r;    // no arc: clock buffer, I/O buffers (start or end), sequential cells, constants
        } else {
            throw new IllegalStateException("timing estimate: no delay model for cell type " + t + " ("
                    + netlist.names.get(cell) + ")");
        }
        return r;
    }

    /** The output that a read address of a LUT RAM or SRL drives, or null for a write-only pin. */
    private static String readTarget(String t, String in) {
        if (t.startsWith("SRL")) {
            return in.equals("A") || in.matches("A\\d") ? "Q" : null;
        }
        if (t.startsWith("RAM32M") || t.startsWith("RAM64M")) {
            return in.matches("ADDR[A-H]") ? "DO" + in.charAt(4) : null;
        }
        if (t.endsWith("D") || t.endsWith("D_1")) {
            return in.equals("A") || in.matches("A\\d") ? "SPO" : in.startsWith("DPRA") ? "DPO" : null;
        }
        return in.equals("A") || in.matches("A\\d") ? "O" : null;
    }

    /** Routed-net delay from the driver of {@code bit} to {@code sink}: none on the dedicated in-slice and cascade routes. */
    double netDelay(int bit, Pin sink) {
        Pin d = netlist.driver.get(bit);
        String st = netlist.types.get(sink.cell());
        if (d != null) {
            String dt = netlist.types.get(d.cell());
            if (dt.equals("CARRY4") && d.port().equals("CO") && st.equals("CARRY4") && sink.port().equals("CI")) {
                return 0;
            }
            if (isLut(dt) && (st.equals("MUXF7") || st.equals("CARRY4") && !sink.port().equals("CI"))) {
                return 0;   // a LUT and its F7 mux or carry cell share a slice
            }
            if (dt.equals("MUXF7") && st.equals("MUXF8")) {
                return 0;
            }
            if (dt.equals("DSP48E1") && st.equals("DSP48E1") && d.port().endsWith("COUT")) {
                return 0;   // PCOUT, ACOUT, BCOUT, CARRYCASCOUT: the cascade
            }
            if (dt.startsWith("RAMB") && d.port().startsWith("CASCADEOUT")) {
                return 0;
            }
        }
        return DelayModel.NET;
    }
}
