package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineCpuTest {

    @Test
    void aThreadsCpuSecondsAreItsUserAndSystemTicks() {
        // a thread name may hold spaces and parentheses: the fields start after the last ") "
        String stat = "4242 (duplex (send) 1) S 1 4242 4242 0 -1 4194368 900 0 3 0 150 50 0 0 20 0 57 0 123 "
                + "4096000 2000 18446744073709551615";
        assertEquals(2.0, MachineCpu.statSeconds(stat), 1e-9);
    }

    @Test
    void theMachinesLineSplitsIntoBusyIdleAndStolen() {
        // user nice system idle iowait irq softirq steal guest guest_nice: guest time is already in user
        double[] seconds = MachineCpu.machine("cpu  100 20 30 400 50 6 7 8 9 10");
        assertArrayEquals(new double[] {1.63, 4.5, 0.08}, seconds, 1e-9);
    }

    @Test
    void waitsAreTheMeanWaitPerRunAndTheRunsASecondOverTheThreadsAliveNow() {
        MachineCpu.Waits before = new MachineCpu.Waits(Map.of("1", new long[] {1_000_000, 10},
                "2", new long[] {500_000, 99}));
        // thread 2 ended; thread 3 started during the level and counts from zero
        MachineCpu.Waits after = new MachineCpu.Waits(Map.of("1", new long[] {61_000_000, 30},
                "3", new long[] {30_000_000, 10}));
        assertEquals("3000 (15)", after.since(before, 2.0));
        assertEquals("0 (0)", before.since(before, 2.0));
    }

    @Test
    void aRowGivesTheCoresEachProcessKeptBusyOverTheWallTime() {
        MachineCpu.Waits none = new MachineCpu.Waits(Map.of());
        MachineCpu.Snapshot before = new MachineCpu.Snapshot(10, 20, 30, 100, 200, 0, none, none, none, 0);
        MachineCpu.Snapshot after = new MachineCpu.Snapshot(12, 20.5, 31, 104, 200.4, 0.2, none, none, none,
                2_000_000_000L);
        // 2 s: Duplex 1 core, upstream 0.25, generator 0.5, the rest of the 2 busy cores 0.25
        assertEquals("| 100 x 50 tok/s | duplex | 2.0 | 1.00 | 0.25 | 0.50 | 0.25 | 0.20 | 0.10 | 0 (0) | 0 (0) | 0 (0) |",
                MachineCpu.row("100 x 50 tok/s", "duplex", before, after));
    }
}
