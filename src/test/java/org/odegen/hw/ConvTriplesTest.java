package org.odegen.hw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The triples' walk (ConvTriples) over every list NetworkHwConfig.tripleList allows: each cycle's members have
 * their weights in three banks, lanes 0 and 1 of a block are the only lanes read at a second address (the next
 * block's, or the next tap's block 0), and no lane pair's RAM is read at two addresses. The RTL is held
 * bit-exact by the regressions; this holds the rule that picks which lists may cross a tap, for channel counts
 * and blocks the regressions do not run. */
class ConvTriplesTest {
    /** A member's address: its tap and block (the time channel has none). */
    private record At(int tap, int block) { }

    private static void walk(int cin, boolean time, int block) {
        String what = cin + " channels" + (time ? " and time" : "") + " in blocks of " + block;
        int n = cin + (time ? 1 : 0);
        int list = NetworkHwConfig.tripleListFor(cin, time, block);
        assertEquals(0, list % 3 == 0 || NetworkHwConfig.tripleSplitsFor(cin, time, block) ? 0 : 1, what);
        assertTrue(list >= n && list <= n + 2, what);
        // a pixel's first triple takes no member of the next tap (ConvKind's next tap is set a cycle late there)
        assertTrue(list >= 3, what + ": a list of " + list);
        for (int i = 0; i < 9 * list; i += 3) {
            int firstTap = i / list;
            At first = null;
            Set<Integer> banks = new HashSet<>();
            Map<Integer, At> pairs = new HashMap<>();
            boolean alt = false;
            for (int k = 0; k < 3; k++) {
                int tap = (i + k) / list;
                int idx = (i + k) % list;
                if (idx >= n) continue; // padding: carries nothing
                assertTrue(banks.add((9 * idx + tap) % 4), what + ": two members in one weight bank at " + i);
                int c = idx - (time ? 1 : 0);
                if (c < 0) continue; // the time channel: not read
                At at = new At(tap, c / block);
                int lane = c % block;
                if (first == null) first = new At(firstTap, tap == firstTap ? c / block : 0);
                if (!at.equals(first)) {
                    alt = true;
                    assertTrue(lane < 2, what + ": a member at a second address in lane " + lane + " at " + i);
                    At expected = tap != firstTap ? new At(tap, 0) : new At(tap, first.block() + 1);
                    assertEquals(expected, at, what + ": the second address at " + i);
                }
                At was = pairs.put(lane / 2, at);
                assertTrue(was == null || was.equals(at), what + ": lane pair " + lane / 2 + " at two addresses at " + i);
            }
            if (alt) {
                // lanes 0 and 1 of every block read the second address: no member at the first may be there
                assertTrue(!pairs.containsKey(0) || !pairs.get(0).equals(first), what + ": lanes 0, 1 at " + i);
            }
        }
    }

    @Test void everyListTheRuleAllowsKeepsBanksAndLanePairsApart() {
        for (int block = 1; block <= 64; block *= 2) {
            for (int cin = 1; cin <= 130; cin++) {
                if (cin > block && block < 4) continue; // NetworkHwConfig refuses these with triples
                walk(cin, false, block);
                walk(cin, true, block);
            }
        }
    }

    @Test void theZoosListsCrossTapsSoAPixelTakesAThirdOfItsProducts() {
        // 16 channels, 16 and time, 32, 64 and time: 48, 51, 96, 195 cycles a pixel (not 54, 54, 99, 198)
        for (int[] c : new int[][] {{16, 0, 16}, {16, 1, 16}, {32, 0, 32}, {64, 0, 64}, {64, 1, 64}, {64, 0, 32}}) {
            boolean time = c[1] == 1;
            assertEquals(c[0] + c[1], NetworkHwConfig.tripleListFor(c[0], time, c[2]), c[0] + " channels, time " + time);
        }
        // 10 channels (2 mod 4): padded to 12, no triple crosses a tap
        assertEquals(12, NetworkHwConfig.tripleListFor(10, false, 16));
    }
}
