package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class KernelBurstsTest {

    private static final long ORIGIN = 5_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final long WINDOW = 100 * MS;

    /** kdamond's time on a core (ns in all) at each sample's time. */
    private static KernelBursts sampled(long[]... samples) {
        KernelBursts bursts = new KernelBursts(List.of());
        for (long[] sample : samples) {
            bursts.record(sample[0], sample[1]);
        }
        return bursts;
    }

    @Test
    void eachSamplesIncreaseCountsInTheWindowWhereItsIntervalEnded() {
        try (KernelBursts bursts = sampled(
                new long[] {ORIGIN - 10 * MS, 0},
                new long[] {ORIGIN + 20 * MS, MS},
                new long[] {ORIGIN + 40 * MS, 7 * MS},
                new long[] {ORIGIN + 120 * MS, 7 * MS + MS / 2},
                new long[] {ORIGIN + 260 * MS, 13 * MS + MS / 2},
                new long[] {ORIGIN + 390 * MS, 13 * MS + 600_000})) {
            assertEquals(new TreeMap<>(Map.of(ORIGIN, 7 * MS, ORIGIN + WINDOW, MS / 2, ORIGIN + 2 * WINDOW, 6 * MS,
                            ORIGIN + 3 * WINDOW, 100_000L)),
                    bursts.byWindow(ORIGIN, ORIGIN + 400 * MS, WINDOW));
            // a burst's window, and the window just before one, are near it; a quiet window is not
            assertEquals(Set.of(ORIGIN, ORIGIN + WINDOW, ORIGIN + 2 * WINDOW),
                    bursts.nearBursts(ORIGIN, ORIGIN + 400 * MS, WINDOW));
        }
    }

    @Test
    void aBurstJustAfterTheLevelMarksItsLastWindow() {
        try (KernelBursts bursts = sampled(
                new long[] {ORIGIN, 0},
                new long[] {ORIGIN + 150 * MS, 0},
                new long[] {ORIGIN + 220 * MS, 6 * MS})) {
            assertEquals(Set.of(ORIGIN + WINDOW), bursts.nearBursts(ORIGIN, ORIGIN + 200 * MS, WINDOW));
        }
    }

    @Test
    void justUnderTheBurstsThresholdIsNoBurst() {
        try (KernelBursts bursts = sampled(
                new long[] {ORIGIN, 0},
                new long[] {ORIGIN + 50 * MS, KernelBursts.BURST_NANOS - 1})) {
            assertEquals(Set.of(), bursts.nearBursts(ORIGIN, ORIGIN + 200 * MS, WINDOW));
        }
    }

    @Test
    void withoutKdamondThreadsNothingIsRecorded() {
        try (KernelBursts bursts = new KernelBursts(List.of())) {
            assertFalse(bursts.present());
            assertEquals(Map.of(), bursts.byWindow(0, Long.MAX_VALUE, WINDOW));
        }
    }
}
