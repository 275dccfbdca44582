package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ResultTest {

    private static final long ORIGIN = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** Five tokens of a level whose first message left at ORIGIN: stamps and latencies (µs). */
    private static Result level(double seconds, double cpuSeconds) {
        Samples latency = new Samples();
        Samples stamps = new Samples();
        long[][] tokens = {
                {ORIGIN + 10 * MS, 5_000},
                {ORIGIN + 120 * MS, 15_000},
                {ORIGIN + 150 * MS, 20_000},
                {ORIGIN + 199 * MS, 10_000}, // 10 ms exactly is not slow
                {ORIGIN + 350 * MS, 11_000},
        };
        for (long[] token : tokens) {
            stamps.add(token[0]);
            latency.add(token[1]);
        }
        return new Result("duplex", new Level(2, 1, 5, 20, 0), tokens.length, 0, seconds, latency, new Samples(),
                stamps, cpuSeconds, Map.of("b", ORIGIN + 40 * MS, "a", ORIGIN));
    }

    @Test
    void slowTokensAreCountedByTheWindowTheUpstreamWroteThemIn() {
        SortedMap<Long, Integer> expected = new TreeMap<>(Map.of(ORIGIN + 100 * MS, 2, ORIGIN + 300 * MS, 1));
        assertEquals(expected, level(0.5, 0).slowByWindow());
        assertEquals(ORIGIN, level(0.5, 0).origin(), "the level's first message starts the windows");
    }

    @Test
    void theSlowWindowsCellsGiveTheCountTheWindowsAndTheWorstWindow() {
        Result result = level(0.5, 0);
        assertEquals("3 | 2 | 2 at 0.1 s |", result.slowWindows(result.slowByWindow()));
        assertEquals("0 | 0 | |", result.slowWindows(new TreeMap<>()));
    }

    @Test
    void windowsLeftOutGiveTheirShareOfTheLevelAndOfTheSlowTokensAndTheLatencyOutsideThem() {
        Result result = level(0.5, 0);
        // 5 windows in 0.5 s; the one left out holds 2 of the 3 slow tokens; outside it, the tokens of 5 and 11 ms
        assertEquals("1 of 5 (20%) | 2 (67%) | 5.00 / 11.00 |",
                result.windowsLeftOut(Set.of(ORIGIN + 100 * MS), result.slowByWindow()));
        assertEquals("0 of 5 (0%) | 0 (0%) | 11.00 / 20.00 |",
                result.windowsLeftOut(Set.of(), result.slowByWindow()));
    }

    @Test
    void theRequestPathCountsOnlyMessagesTheUpstreamSaw() {
        Samples path = level(0.5, 0).requestPath(Map.of("a", ORIGIN + 2 * MS, "unknown", ORIGIN));
        assertEquals(1, path.size());
        assertEquals(2_000, path.get(0));
    }

    @Test
    void ratesArePerSecondAndCpuPerThousandTokens() {
        Result result = level(0.5, 0.5);
        assertEquals(10.0, result.tokensPerSecond(), 1e-9);
        assertEquals(100_000.0, result.cpuMsPer1kTokens(), 1e-6); // 100 ms a token
        Result none = new Result("duplex", new Level(1, 1, 1, 20, 0), 0, 1, 1.0, new Samples(), new Samples(),
                new Samples(), 0.3, Map.of());
        assertEquals(0.0, none.cpuMsPer1kTokens());
    }
}
