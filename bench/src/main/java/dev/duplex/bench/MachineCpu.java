package dev.duplex.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the machine's cores were shared during a level: Duplex, the fake upstream, the load generator (this
 * process), everything else, idle, and stolen. All three processes share the cores, so Duplex can only use what
 * the other two leave; this says how much that was. Read from /proc: each process's user + system time, and the
 * machine's busy, idle and steal time from /proc/stat (steal: time a virtual machine's cores waited for the host,
 * which no process here can use).
 * <p>
 * And how long each process's threads waited for a core once woken: every thread's {@code schedstat} gives its
 * time runnable but not running and the number of times it was put on a core (finding 80). A token crosses
 * more threads in Duplex than on direct's way, so each crossing's wait adds to Duplex's latency. A thread
 * that ended during the level is not counted.
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
                    Waits duplexWaits, Waits upstreamWaits, Waits generatorWaits, long nanos) {
    }

    /**
     * Each live thread of a process (by thread id): its time runnable but waiting for a core, in nanoseconds, and
     * its runs on a core.
     */
    record Waits(Map<String, long[]> byThread) {

        /**
         * The mean wait before a run from {@code before} to this, in microseconds, and the runs a second: over the
         * threads alive now, from zero for those started since.
         */
        String since(Waits before, double wall) {
            long nanos = 0;
            long runs = 0;
            for (Map.Entry<String, long[]> thread : byThread.entrySet()) {
                long[] then = before.byThread.getOrDefault(thread.getKey(), new long[2]);
                nanos += thread.getValue()[0] - then[0];
                runs += thread.getValue()[1] - then[1];
            }
            return String.format(Locale.ROOT, "%.0f (%.0f)", runs == 0 ? 0.0 : nanos / 1e3 / runs, runs / wall);
        }
    }

    Snapshot take() throws IOException {
        double[] machine = machine();
        long generatorPid = ProcessHandle.current().pid();
        return new Snapshot(processSeconds(duplexPid), processSeconds(upstreamPid), processSeconds(generatorPid),
                machine[0], machine[1], machine[2], waits(duplexPid), waits(upstreamPid), waits(generatorPid),
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
        return String.format(Locale.ROOT, "| %s | %s | %.1f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s |",
                level, mode, wall, duplex, upstream, generator, other, idle, steal,
                after.duplexWaits().since(before.duplexWaits(), wall),
                after.upstreamWaits().since(before.upstreamWaits(), wall),
                after.generatorWaits().since(before.generatorWaits(), wall));
    }

    static double processSeconds(long pid) throws IOException {
        return statSeconds(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /** User + system seconds from a process's or a thread's {@code stat} line. */
    static double statSeconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** Each thread's {@code /proc/PID/task/TID/schedstat}: time on a core, time waiting for one, runs (ns, ns, n). */
    static Waits waits(long pid) throws IOException {
        Map<String, long[]> byThread = new HashMap<>();
        forEachThread(pid, task -> {
            String[] fields = Files.readString(task.resolve("schedstat")).trim().split(" ");
            byThread.put(task.getFileName().toString(),
                    new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[2])});
        });
        return new Waits(byThread);
    }

    /** Reads a process's or thread's files under /proc; fails if it has ended meanwhile. */
    interface ProcReader {
        void read(Path entry) throws IOException;
    }

    /** Runs {@code reader} on each live thread of {@code pid}, skipping those that end while they are read. */
    static void forEachThread(long pid, ProcReader reader) throws IOException {
        forEachLive(Path.of("/proc", Long.toString(pid), "task"), reader);
    }

    /** Runs {@code reader} on each live process ({@code /proc/PID}), skipping those that end while they are read. */
    static void forEachProcess(ProcReader reader) throws IOException {
        forEachLive(Path.of("/proc"), reader);
    }

    private static void forEachLive(Path directory, ProcReader reader) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "[0-9]*")) {
            for (Path entry : entries) {
                try {
                    reader.read(entry);
                } catch (IOException ended) {
                    // it ended after it was listed
                }
            }
        }
    }

    private static double[] machine() throws IOException {
        return machine(Files.readAllLines(Path.of("/proc/stat")).get(0));
    }

    /** The machine's busy, idle and stolen seconds, summed over its cores, from the first line of /proc/stat. */
    static double[] machine(String cpu) {
        String[] fields = cpu.trim().split("\\s+");
        double[] seconds = new double[3];
        // user nice system idle iowait irq softirq steal (guest time is already counted in user)
        for (int i = 1; i <= 8 && i < fields.length; i++) {
            seconds[i == 4 || i == 5 ? 1 : i == 8 ? 2 : 0] += Long.parseLong(fields[i]) / TICKS_PER_SECOND;
        }
        return seconds;
    }
}
