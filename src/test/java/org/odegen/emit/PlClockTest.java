package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PlClockTest {
    @Test
    void theFastestPllDivisionAtOrUnderTheEstimate() {
        assertEquals("100", PlClock.supportedBy(60).text()); // below every division: the default, as without one
        assertEquals("100", PlClock.supportedBy(100).text());
        assertEquals("105", PlClock.supportedBy(111.0).text()); // the DDR PLL's 1050 / 10
        assertEquals("111.111", PlClock.supportedBy(111.2).text());
        assertEquals("125", PlClock.supportedBy(129.5).text());
        assertEquals("131.25", PlClock.supportedBy(135).text());
        assertEquals("142.857", PlClock.supportedBy(149.9).text());
        assertEquals("131.25", PlClock.supportedBy(142.85).text()); // 142.857 would be over it
        assertEquals("200", PlClock.supportedBy(450).text());
        assertEquals("100", PlClock.of(null).text());
        // 150 MHz: the DDR PLL's 1050 MHz / 7, which the IO PLL cannot make
        PlClock at150 = PlClock.supportedBy(151);
        assertEquals("150", at150.text());
        assertEquals(PlClock.Pll.DDR, at150.pll());
        assertEquals(7, at150.divider());
        assertEquals("the DDR PLL's 1050 MHz / 7", at150.made());
        assertEquals(PlClock.Pll.IO, PlClock.supportedBy(130).pll());
        assertEquals(8, PlClock.supportedBy(130).divider());
        assertEquals("1000 MHz / 8", PlClock.supportedBy(130).made());
    }

    @Test
    void dividersOutsideTheRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PlClock(4));
        assertThrows(IllegalArgumentException.class, () -> new PlClock(11));
        assertThrows(IllegalArgumentException.class, () -> new PlClock(PlClock.Pll.DDR, 5)); // 210 MHz
    }
}
