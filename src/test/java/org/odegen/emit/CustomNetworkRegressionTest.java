package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.odegen.dsl.NetworkDesign;
import org.odegen.fixed.QFormat;
import org.odegen.net.NetworkDescription;

/**
 * The network engine on networks of MODEL.md that are not the zoo's (testbench/custom-regression.csv, or
 * {@code -Dcustom.list=testbench/custom-regression-full.csv} for all of them, over
 * examples/networks/): each generated from its network.json, its Verilator harness run against the fixed-point
 * twin's golden vectors: logits bit-exact, NETWORK_ID the CRC-32 of its folder's network.json, CRC and CONFIG's
 * variant 15, CYCLES equal to the schedule (up to the harness's handshake), and, where the row asks, at least that
 * share of the multiply-add bound.
 */
class CustomNetworkRegressionTest {
    private static final Path ROOT = Path.of("target", "custom-regression");
    private static final Path EXAMPLES = Path.of("examples", "networks");

    static Stream<String[]> configurations() throws IOException {
        List<String[]> rows = new ArrayList<>();
        // the three rows of mvn test, or every example network with -Dcustom.list=testbench/custom-regression-full.csv
        for (String line : Files.readAllLines(Path.of(System.getProperty("custom.list", "testbench/custom-regression.csv")))) {
            String s = line.strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                // the sixth column, the multiply-adds a lane, is optional: 1 where it is left out
                String[] r = s.split("\\s*,\\s*");
                rows.add(r.length == 5 ? new String[] {r[0], r[1], r[2], r[3], r[4], "1"} : r);
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} x{1} {2} {3} mac{5}")
    @MethodSource("configurations")
    void bitExactAgainstTheFixedPointTwin(String file, String lanes, String format, String gaps, String least,
            String macs) throws Exception {
        long start = System.nanoTime();
        NetworkDescription net = NetworkDescription.read(EXAMPLES.resolve(file));
        assertTrue(net.zooSpec().isEmpty(), file + " is meant to be a network the zoo does not have");
        NetworkDesign d = new NetworkDesign(net, Integer.parseInt(lanes), QFormat.parse(format), Integer.parseInt(macs));
        var g = NetworkGenerator.generate(d, ROOT.resolve(d.id() + "_" + format), false);
        assertEquals(net.canonicalJson(), Files.readString(g.folder().resolve("network.json")));
        var timed = NetworkHarness.run(g.folder(), g.top(), VerilatorHarness.CACHE, 1, false, List.of("--images=1"));
        if (!timed.passed()) {
            fail(file + " differs from the fixed-point twin (no gaps): " + timed.message() + "\n" + timed.output());
        }
        assertTrue(timed.output().contains(String.format(Locale.ROOT, "NETWORK_ID 0x%08x", net.networkId())),
                timed.output());
        long measured = timed.cyclesPerImage();
        // The schedule counts every weight load as hidden behind the group before it; on small maps a group's
        // compute is shorter than its successor's DDR load, and the engine waits (measured: +0.2% on 1x8x8, +1.5%
        // on 16x16 with RK4 stages). It stays a lower bound; 2% over it fails.
        assertTrue(measured >= g.cycles() && measured <= g.cycles() * 1.02 + NetworkRegressionTest.HANDSHAKE, file
                + ": measured " + measured + " cycles per image, the schedule states " + g.cycles());
        double share = g.macBoundCycles() / (double) measured;
        assertTrue(share >= Double.parseDouble(least), file + ": " + share + " of the multiply-add bound, at least "
                + least + " asked");
        if (gaps.equals("gaps")) {
            var checked = NetworkHarness.run(g.folder(), g.top(), 7, true);
            if (!checked.passed()) {
                fail(file + " differs from the fixed-point twin (gaps): " + checked.message() + "\n" + checked.output());
            }
        }
        System.out.printf(Locale.ROOT, "[custom regression] %s x%s%s %s: %s -> %d logits bit-exact, %,d cycles per image "
                + "(schedule %,d; %.2f ms at 100 MHz, %.1f%% of the multiply-add bound)%s, %.0f s%n", file, lanes, d.macsSuffix(), format,
                net.input(), net.classes(), measured, g.cycles(), measured / 1e5, 100 * share,
                gaps.equals("gaps") ? ", and with gaps" : "",
                (System.nanoTime() - start) / 1e9);
    }
}
