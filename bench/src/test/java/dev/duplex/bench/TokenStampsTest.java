package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TokenStampsTest {

    @Test
    void eachStampInACoalescedFrameIsATokenWithItsOwnLatency() {
        Samples latency = new Samples();
        Samples stamps = new Samples();
        int tokens = TokenStamps.record("1000000 2000000 4500000 ", 5_000_000, latency, stamps);
        assertEquals(3, tokens);
        assertEquals(4_000, latency.get(0)); // microseconds
        assertEquals(3_000, latency.get(1));
        assertEquals(500, latency.get(2));
        assertEquals(1_000_000, stamps.get(0));
        assertEquals(2_000_000, stamps.get(1));
        assertEquals(4_500_000, stamps.get(2));
    }

    @Test
    void aStampAtTheEndOfTheTextCountsWithoutATrailingSpace() {
        Samples latency = new Samples();
        Samples stamps = new Samples();
        assertEquals(2, TokenStamps.record("7000 9000", 10_000, latency, stamps));
        assertEquals(1, latency.get(1));
        assertEquals(9_000, stamps.get(1));
    }

    @Test
    void textWithoutDigitsIsNoToken() {
        Samples latency = new Samples();
        Samples stamps = new Samples();
        assertEquals(0, TokenStamps.record("hello, world", 10_000, latency, stamps));
        assertEquals(0, latency.size());
        assertEquals(0, stamps.size());
    }

    @Test
    void anyNonDigitSeparatesStamps() {
        Samples latency = new Samples();
        Samples stamps = new Samples();
        assertEquals(2, TokenStamps.record("12\n34", 100_034, latency, stamps));
        assertEquals(12, stamps.get(0));
        assertEquals(34, stamps.get(1));
        assertEquals(100, latency.get(1));
    }
}
