package org.odegen.fixed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class QFormatTest {
    private final QFormat q = QFormat.Q32_20;

    @Test
    void saturatesAtBothEnds() {
        assertEquals(Integer.MAX_VALUE, q.sat(Long.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, q.sat(1L << 31));
        assertEquals(Integer.MAX_VALUE, q.sat(Integer.MAX_VALUE));
        assertEquals(Integer.MIN_VALUE, q.sat(Integer.MIN_VALUE));
        assertEquals(Integer.MIN_VALUE, q.sat(Integer.MIN_VALUE - 1L));
        assertEquals(Integer.MIN_VALUE, q.sat(Long.MIN_VALUE));
        QFormat q8 = new QFormat(8, 4);
        assertEquals(127, q8.sat(128));
        assertEquals(-128, q8.sat(-129));
        assertEquals(-5, q8.sat(-5));
    }

    @Test
    void roundsExactHalvesUpOnBothSides() {
        assertEquals(2, QFormat.rnd(3, 1));   // 1.5 -> 2
        assertEquals(-1, QFormat.rnd(-3, 1)); // -1.5 -> -1 (half up, not away from zero)
        assertEquals(1, QFormat.rnd(1, 1));   // 0.5 -> 1
        assertEquals(0, QFormat.rnd(-1, 1));  // -0.5 -> 0
        assertEquals(-1, QFormat.rnd(-3, 2)); // -0.75 -> -1
        assertEquals(0, QFormat.rnd(-2, 2));  // -0.5 -> 0
        long half = 1L << 19;
        assertEquals(1, q.mulq(half, 1));      // 0.5 lsb -> 1
        assertEquals(0, q.mulq(-half, 1));     // -0.5 lsb -> 0
        assertEquals(-1, q.mulq(-half - 1, 1));
    }

    @Test
    void mulqOfExtremesDoesNotOverflow() {
        long min = q.min();
        assertEquals(1L << 42, q.mulq(min, min));
        BigInteger exact = BigInteger.valueOf(q.max()).multiply(BigInteger.valueOf(q.min()))
                .add(BigInteger.ONE.shiftLeft(19)).shiftRight(20);
        assertEquals(exact.longValueExact(), q.mulq(q.max(), q.min()));
        assertEquals(q.one(), q.mulq(q.one(), q.one()));
    }

    @Test
    void quantizesWithFloorPlusHalfAndSaturates() {
        assertEquals(1L << 20, q.quantize(1.0));
        assertEquals(1, q.quantize(0.5 / (1 << 20)));   // exact half up
        assertEquals(0, q.quantize(-0.5 / (1 << 20)));  // -0.5 lsb -> 0
        assertEquals(-1, q.quantize(-1.5 / (1 << 20))); // -1.5 lsb -> -1
        assertEquals(q.max(), q.quantize(1e9));
        assertEquals(q.min(), q.quantize(-1e9));
        assertEquals(10, q.quantize(1e-5));
        QFormat q8 = new QFormat(8, 4);
        assertEquals(127, q8.quantize(100));
        assertEquals(-128, q8.quantize(-8.0));
        assertEquals(8, q8.quantize(0.5));
    }

    @Test
    void supportsWidth8To32Only() {
        assertEquals(new QFormat(8, 1), QFormat.parse("Q8.1"));
        assertEquals(new QFormat(32, 31), QFormat.parse("32.31"));
        var e = assertThrows(IllegalArgumentException.class, () -> new QFormat(33, 20));
        assertTrue(e.getMessage().contains("8..32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new QFormat(16, 16));
        assertTrue(e.getMessage().contains("1..15"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new QFormat(7, 3));
        assertThrows(IllegalArgumentException.class, () -> QFormat.parse("Q32"));
        assertThrows(IllegalArgumentException.class, () -> QFormat.parse("float"));
    }

    @Test
    void accumulatorWidthFollowsTheContract() {
        assertEquals(55, q.accumulatorBits(65));
        assertEquals(2 * 8 - 4 + 4 + 1, new QFormat(8, 4).accumulatorBits(1)); // 9 taps -> 4 bits
    }

    @Test
    void isqrtIsExactEverywhere() {
        for (long r = 0; r < 5000; r++) {
            assertEquals(r, FixedMath.isqrt(r * r));
            if (r > 0) {
                assertEquals(r - 1, FixedMath.isqrt(r * r - 1));
            }
            assertEquals(r, FixedMath.isqrt(r * r + r));
        }
        for (long r : new long[] {94_906_265L, 94_906_267L, 2_147_483_647L, 3_037_000_499L, 1L << 31}) {
            assertEquals(r, FixedMath.isqrt(r * r));
            assertEquals(r - 1, FixedMath.isqrt(r * r - 1));
        }
        assertEquals(3_037_000_499L, FixedMath.isqrt(Long.MAX_VALUE));
        assertEquals(1L << 31, FixedMath.isqrt(1L << 62));
        assertThrows(ArithmeticException.class, () -> FixedMath.isqrt(-1));
    }
}
