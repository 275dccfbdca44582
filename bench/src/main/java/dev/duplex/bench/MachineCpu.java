package dev.duplex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How the machine's cores were shared during a level: Duplex, the fake upstream, the load generator (this
 * process), everything else, idle, and stolen. All three processes share the cores, so Duplex can only use what
 * the other two leave; this says how much that was. Read from /proc: each process's user + system time, and the
 * machine's busy, idle and steal time from /proc/stat (steal: time a virtual machine's cores waited for the host,
 * which no process here can use).
 */
final class MachineCpu {

    /** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every common build. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long duplexPid;
    private final long upstreamPid;

    MachineCpu(long duplexPid, long upstreamPid) {
        this.duplexPid = duplexPid;
        this.upstreamPid = upstreamPid;
    }

    /** CPU seconds so far: Duplex, upstream, load generator, and the whole machine's busy, idle and stolen. */
    record Snapshot(double duplex, double upstream, double generator, double busy, double idle, double steal,
                    long nanos) {
    }

    Snapshot take() throws IOException {
        double[] machine = machine();
        return new Snapshot(processSeconds(duplexPid), processSeconds(upstreamPid),
                processSeconds(ProcessHandle.current().pid()), machine[0], machine[1], machine[2],
                System.nanoTime());
    }

    /** A report row: the cores each used on average from {@code before} to {@code after}. */
    static String row(String level, String mode, Snapshot before, Snapshot after) {
        double wall = (after.nanos() - before.nanos()) / 1e9;
        double duplex = (after.duplex() - before.duplex()) / wall;
        double upstream = (after.upstream() - before.upstream()) / wall;
        double generator = (after.generator() - before.generator()) / wall;
        double busy = (after.busy() - before.busy()) / wall;
        double idle = (after.idle() - before.idle()) / wall;
        double steal = (after.steal() - before.steal()) / wall;
        double other = Math.max(0, busy - duplex - upstream - generator);
        return String.format(Locale.ROOT, "| %s | %s | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |", level, mode,
                wall, duplex, upstream, generator, other, idle, steal);
    }

    static double processSeconds(long pid) throws IOException {
        return statSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** User + system seconds from a process's or a thread's {@code stat} line. */
    static double statSeconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** The machine's busy, idle and stolen seconds, summed over its cores (first line of /proc/stat). */
    private static double[] machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
        String[] fields = cpu.trim().split("\\s+");
        double[] seconds = new double[3];
        // user nice system idle iowait irq softirq steal (guest time is already counted in user)
        for (int i = 1; i <= 8 && i < fields.length; i++) {
            seconds[i == 4 || i == 5 ? 1 : i == 8 ? 2 : 0] += Long.parseLong(fields[i]) / TICKS_PER_SECOND;
        }
        return seconds;
    }
}
