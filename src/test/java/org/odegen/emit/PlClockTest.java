package org.odegen.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PlClockTest {
    @Test
    void theFastestIoPllDivisionAtOrUnderTheEstimate() {
        assertEquals("100", PlClock.supportedBy(60).text()); // below every division: the default, as without one
        assertEquals("100", PlClock.supportedBy(100).text());
        assertEquals("100", PlClock.supportedBy(111.0).text());
        assertEquals("111.111", PlClock.supportedBy(111.2).text());
        assertEquals("125", PlClock.supportedBy(129.5).text());
        assertEquals("142.857", PlClock.supportedBy(142.86).text());
        assertEquals("125", PlClock.supportedBy(142.85).text()); // 142.857 would be over it
        assertEquals("200", PlClock.supportedBy(450).text());
        assertEquals(8, PlClock.supportedBy(130).divider());
        assertEquals("100", PlClock.of(null).text());
    }

    @Test
    void dividersOutsideTheRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PlClock(4));
        assertThrows(IllegalArgumentException.class, () -> new PlClock(11));
    }
}
