package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timing estimate on netlists whose paths are known by construction: hand-written Yosys JSON (every figure
 * exact) and a hand-made Verilog chain of LUT primitives through Yosys {@code synth_xilinx}.
 */
class TimingEstimateTest {
    private static final double EPS = 1e-9;

    @TempDir
    Path dir;

    /** A Yosys JSON netlist of one module {@code top}, built cell by cell. */
    private static final class Netlist {
        private final List<String> cells = new ArrayList<>();
        private final List<String> nets = new ArrayList<>();

        /** {@code conns}: "PORT:dir:bit,bit;..." with dir i or o; a bit may be "0"/"1" (a constant). */
        Netlist cell(String name, String type, String params, String conns) {
            StringBuilder c = new StringBuilder();
            StringBuilder d = new StringBuilder();
            for (String conn : conns.split(";")) {
                String[] w = conn.split(":");
                if (c.length() > 0) {
                    c.append(',');
                    d.append(',');
                }
                StringBuilder bits = new StringBuilder();
                for (String b : w[2].split(",")) {
                    bits.append(bits.length() > 0 ? "," : "").append(b.matches("\\d+") && !b.equals("0") && !b.equals("1")
                            ? b : "\"" + b + "\"");
                }
                c.append('"').append(w[0]).append("\":[").append(bits).append(']');
                d.append('"').append(w[0]).append("\":\"").append(w[1].equals("o") ? "output" : "input").append('"');
            }
            // DSP48E1 and RAMB cells come without port directions from synth_xilinx: the estimator must know them
            String dirs = type.equals("DSP48E1") || type.startsWith("RAMB") ? "" : ",\"port_directions\":{" + d + "}";
            cells.add("\"" + name + "\":{\"hide_name\":0,\"type\":\"" + type + "\",\"parameters\":{" + params + "}"
                    + dirs + ",\"connections\":{" + c + "}}");
            return this;
        }

        Netlist net(String name, int bit) {
            nets.add("\"" + name + "\":{\"hide_name\":0,\"bits\":[" + bit + "]}");
            return this;
        }

        Path write(Path file) throws Exception {
            Files.writeString(file, "{\"modules\":{\"top\":{\"attributes\":{},\"ports\":{\"clk\":{\"direction\":\"input\","
                    + "\"bits\":[2]}},\"cells\":{" + String.join(",", cells) + "},\"netnames\":{" + String.join(",", nets)
                    + "}}}}");
            return file;
        }
    }

    /** FDRE q0 -> n LUT2 -> FDRE q1 -> back to q0. */
    private static Netlist lutChain(int n) {
        Netlist net = new Netlist();
        net.cell("ff0", "FDRE", "", "C:i:2;CE:i:1;R:i:0;D:i:200;Q:o:100").net("q0", 100);
        for (int i = 0; i < n; i++) {
            net.cell("lut" + i, "LUT2", "\"INIT\":\"0110\"", "I0:i:" + (100 + i) + ";I1:i:100;O:o:" + (101 + i))
                    .net("n" + (i + 1), 101 + i);
        }
        return net.cell("ff1", "FDRE", "", "C:i:2;CE:i:1;R:i:0;D:i:" + (100 + n) + ";Q:o:200").net("q1", 200);
    }

    @Test
    void aLutChainIsTimedLevelByLevel() throws Exception {
        // clock-to-out, then per level a routed net and a LUT, then the net into the flip-flop's D (setup 0)
        for (int n : new int[] {7, 8}) {
            TimingEstimate.Result r = TimingEstimate.fromNetlist(lutChain(n).write(dir.resolve("c" + n + ".json")), "top");
            double expected = DelayModel.FF_CKO + n * (DelayModel.NET + DelayModel.LUT) + DelayModel.NET + DelayModel.FF_D;
            assertEquals(expected, r.worst().delay(), EPS, r.markdown());
            assertEquals(n, r.worst().lutLevels());
            assertEquals(n, r.deepest().lutLevels());
            assertEquals("FDRE q0 -> " + String.join(" -> ", java.util.stream.IntStream.rangeClosed(1, n)
                    .mapToObj(i -> "LUT2 n" + i).toList()) + " -> FDRE (D) q1", r.worst().cells());
        }
        // 7 levels: 5.992 ns, 167 MHz; 8 levels: 6.719 ns, 148.8 MHz, below the goal and named
        TimingEstimate.Result seven = TimingEstimate.fromNetlist(lutChain(7).write(dir.resolve("7.json")), "top");
        assertTrue(seven.meetsTarget());
        assertEquals(0, seven.pathsBelowTarget());
        TimingEstimate.Result eight = TimingEstimate.fromNetlist(lutChain(8).write(dir.resolve("8.json")), "top");
        assertFalse(eight.meetsTarget());
        assertEquals(1, eight.pathsBelowTarget());
        assertEquals(148.8, eight.fmaxMhz(), 0.05);
        String md = eight.markdown();
        assertTrue(md.contains("not met by 1 endpoint(s)") && md.contains("6.72 ns (149 MHz), 8 LUT levels: FDRE q0 -> LUT2 n1"),
                md);
        // the clock build.tcl sets, against the estimate: at 149 MHz the PS7's 1000 / 7 = 142.857 MHz, at 167
        // its 1000 / 6; at 60 (16 levels more) 100 MHz, which the estimate does not support
        assertTrue(md.contains("`vivado/build.tcl` builds at 142.857 MHz (its `-clock MHZ`), the fastest clock the PS7 "
                + "makes exactly (1000 MHz / 7) that this estimate supports."), md);
        assertTrue(seven.markdown().contains("builds at 166.667 MHz"), seven.markdown());
        // how many endpoints stand between a design and each clock step: 6.72 ns is under 1000/7 = 7.0 ns, over 6.67
        assertTrue(md.contains("| endpoints slower than the PS7's clock steps | 111.111 MHz: 0, 125 MHz: 0, "
                + "142.857 MHz: 0, 150 MHz (goal): 1, 166.667 MHz: 1, 175 MHz: 1 |"), md);
        // 5.99 ns: none slower than 1000 / 6 = 6.0 ns
        // and 5.99 ns over the DDR PLL's 1050 / 6 = 5.71 ns
        assertTrue(seven.markdown().contains("150 MHz (goal): 0, 166.667 MHz: 0, 175 MHz: 1 |"), seven.markdown());
        TimingEstimate.Result ten = TimingEstimate.fromNetlist(lutChain(10).write(dir.resolve("10.json")), "top");
        assertEquals(8.17, ten.worst().delay(), 0.01); // 10 levels: over 8.0 ns (125 MHz), under 9.0 (111.1)
        assertArrayEquals(new int[] {0, 1, 1, 1, 1}, ten.slowerThanStep());
        // the figures survive the measurements' cache, and a cache from before the counts reads without them
        java.util.Properties props = ten.toProperties();
        assertArrayEquals(ten.slowerThanStep(), TimingEstimate.Result.fromProperties(props).slowerThanStep());
        props.remove("steps");
        TimingEstimate.Result old = TimingEstimate.Result.fromProperties(props);
        assertEquals(null, old.slowerThanStep());
        assertFalse(old.markdown().contains("clock steps"), old.markdown());
        // a cache from before 1000 / 6 was counted: its three steps, then the goal
        props = ten.toProperties();
        props.setProperty("steps", "0 1 1");
        assertTrue(TimingEstimate.Result.fromProperties(props).markdown().contains(
                "| endpoints slower than the PS7's clock steps | 111.111 MHz: 0, 125 MHz: 1, 142.857 MHz: 1, 150 MHz (goal): 1 |"));
        String slow = TimingEstimate.fromNetlist(lutChain(24).write(dir.resolve("24.json")), "top").markdown();
        assertTrue(slow.matches("(?s).*which this estimate does not support: give `-clock` at most \\d\\d\\..*"), slow);
    }

    @Test
    void carryChainsBlockRamAndDspFollowTheirOwnFigures() throws Exception {
        Netlist n = new Netlist();
        // FDRE -> S0 of the first CARRY4, CO3 -> CI twice, O3 of the third -> FDRE
        n.cell("ff0", "FDRE", "", "C:i:2;CE:i:1;R:i:0;D:i:300;Q:o:10").net("a", 10);
        n.cell("c0", "CARRY4", "", "CI:i:0;CYINIT:i:0;DI:i:0,0,0,0;S:i:10,0,0,0;O:o:20,21,22,23;CO:o:24,25,26,27");
        n.cell("c1", "CARRY4", "", "CI:i:27;CYINIT:i:0;DI:i:0,0,0,0;S:i:0,0,0,0;O:o:30,31,32,33;CO:o:34,35,36,37");
        n.cell("c2", "CARRY4", "", "CI:i:37;CYINIT:i:0;DI:i:0,0,0,0;S:i:0,0,0,0;O:o:40,41,42,43;CO:o:44,45,46,47")
                .net("sum", 43);
        n.cell("ff1", "FDRE", "", "C:i:2;CE:i:1;R:i:0;D:i:43;Q:o:300").net("s", 300);
        // a block RAM without its output register, into a flip-flop; one with it, into another
        n.cell("ram0", "RAMB18E1", "\"DOA_REG\":\"00000000000000000000000000000000\"",
                "CLKARDCLK:i:2;ADDRARDADDR:i:10;DOADO:o:50").net("rd0", 50);
        n.cell("ram1", "RAMB18E1", "\"DOA_REG\":\"00000000000000000000000000000001\"",
                "CLKARDCLK:i:2;ADDRARDADDR:i:10;DOADO:o:51").net("rd1", 51);
        n.cell("ff2", "FDRE", "", "C:i:2;CE:i:1;R:i:0;D:i:50;Q:o:52").net("r0", 52);
        n.cell("ff3", "FDRE", "", "C:i:2;CE:i:1;R:i:0;D:i:51;Q:o:53").net("r1", 53);
        // a DSP48E1 with MREG and PREG on, one with MREG off
        n.cell("dsp0", "DSP48E1", "\"AREG\":\"1\",\"BREG\":\"1\",\"MREG\":\"1\",\"PREG\":\"1\",\"USE_MULT\":\"MULTIPLY\"",
                "CLK:i:2;A:i:10;B:i:10;P:o:60");
        n.cell("dsp1", "DSP48E1", "\"AREG\":\"1\",\"BREG\":\"1\",\"MREG\":\"0\",\"PREG\":\"1\",\"USE_MULT\":\"MULTIPLY\"",
                "CLK:i:2;A:i:10;B:i:10;P:o:61");
        TimingEstimate.Result r = TimingEstimate.fromNetlist(n.write(dir.resolve("mix.json")), "top");
        assertEquals(3, r.longestCarry4());
        assertEquals(2, r.brams());
        assertEquals(1, r.bramOutReg());
        assertEquals(2, r.dsps());
        assertEquals(1, r.dspMreg());
        assertEquals(2, r.dspPreg());
        // the worst: the BRAM without DOA_REG, 2.454 + net; the carry path: S0->CO3, CI->CO3, CI->O3
        assertEquals(DelayModel.BRAM_CKO + DelayModel.NET, r.worst().delay(), EPS, r.markdown());
        assertTrue(r.worst().cells().startsWith("RAMB18E1 rd0 -> FDRE (D) r0"), r.worst().cells());
        double carry = DelayModel.FF_CKO + DelayModel.NET + DelayModel.carry4("S0", "CO3") + DelayModel.carry4("CI", "CO3")
                + DelayModel.carry4("CI", "O3") + DelayModel.NET;
        assertEquals(0.303 + 0.6 + 0.508 + 0.114 + 0.313 + 0.6, carry, EPS);
        assertTrue(r.slowest().stream().anyMatch(p -> Math.abs(p.delay() - carry) < EPS
                && p.cells().equals("FDRE a -> CARRY4 x3 (net27 .. sum) -> FDRE (D) s")), r.markdown());
    }

    @Test
    void tablesCanLeaveOutYosysOwnNames() {
        assertEquals("SRL16E s5_first (fanout 880) -> LUT3 -> CARRY4 x14 (.. acc[53]) -> MUXF7 -> CARRY4 x10 -> FDRE (D) sum[37]",
                TimingEstimate.withoutYosysNames("SRL16E s5_first (fanout 880) -> LUT3 $alu$13129.X[1] -> CARRY4 x14 "
                        + "($alu$13129.CO[3] .. acc[53]) -> MUXF7 $abc$106960.f0 -> CARRY4 x10 ($alu$1.CO[3] .. $alu$1.Y[37]) "
                        + "-> FDRE (D) sum[37]"));
    }

    @Test
    void badNetlistsGiveOneClearError() throws Exception {
        Path p = lutChain(2).write(dir.resolve("ok.json"));
        var noTop = assertThrows(IllegalArgumentException.class, () -> TimingEstimate.fromNetlist(p, "other"));
        assertEquals("the netlist ok.json has no module other", noTop.getMessage());
        Netlist unknown = new Netlist().cell("ff", "FDRE", "", "C:i:2;D:i:11;Q:o:10").cell("x", "FOO", "", "I:i:10;O:o:11");
        var e = assertThrows(IllegalStateException.class,
                () -> TimingEstimate.fromNetlist(unknown.write(dir.resolve("u.json")), "top"));
        assertTrue(e.getMessage().contains("no delay model for cell type FOO (x)"), e.getMessage());
        Netlist loop = new Netlist().cell("a", "LUT1", "", "I0:i:11;O:o:10").cell("b", "LUT1", "", "I0:i:10;O:o:11")
                .cell("ff", "FDRE", "", "C:i:2;D:i:10;Q:o:12");
        var l = assertThrows(IllegalStateException.class,
                () -> TimingEstimate.fromNetlist(loop.write(dir.resolve("l.json")), "top"));
        assertTrue(l.getMessage().contains("combinational loop"), l.getMessage());
    }

    @Test
    void aHandMadeVerilogChainThroughYosys() throws Exception {
        // eight LUT2 primitives (synth_xilinx keeps instantiated cells) between two registers
        Path v = dir.resolve("rtl");
        Files.createDirectories(v);
        Files.writeString(v.resolve("chain.v"), """
                module chain (input clk, input d, output q);
                  reg r0, r1;
                  wire [8:0] n;
                  assign n[0] = r0;
                  genvar i;
                  generate for (i = 0; i < 8; i = i + 1) begin : g
                    LUT2 #(.INIT(4'h6)) l (.I0(n[i]), .I1(r0), .O(n[i + 1]));
                  end endgenerate
                  always @(posedge clk) begin r0 <= d; r1 <= n[8]; end
                  assign q = r1;
                endmodule
                """);
        TimingEstimate.Result r = TimingEstimate.of(v, "chain");
        assertEquals(8, r.worst().lutLevels(), r.markdown());
        assertEquals(DelayModel.FF_CKO + 8 * (DelayModel.NET + DelayModel.LUT) + DelayModel.NET, r.worst().delay(), EPS,
                r.markdown());
        assertFalse(r.meetsTarget());
        // r1 drives the port q: either name is the register's
        assertTrue(r.worst().cells().startsWith("FDRE r0 -> LUT2 ") && r.worst().cells().matches(".*-> FDRE \\(D\\) (r1|q)"),
                r.worst().cells());
        var bad = assertThrows(IllegalArgumentException.class, () -> TimingEstimate.of(dir, "chain"));
        assertTrue(bad.getMessage().startsWith("no .v file in "), bad.getMessage());
    }
}
