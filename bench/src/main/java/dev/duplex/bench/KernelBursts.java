package dev.duplex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * When the kernel's memory-access monitor ran. Some virtual machines run DAMON ({@code kdamond} kernel threads) to
 * find cold memory for the host; on the benchmark's machine it sampled every 500 ms and took a core for 5-40 ms
 * each time, and those bursts were where most of Duplex's slow tokens were (docs/benchmarks.md, finding 82). This
 * reads the {@code kdamond} threads' time on a core ({@code /proc/PID/schedstat}) every 20 ms, so each level can
 * say how many of its slow tokens fell in a burst. With no such thread it records nothing.
 *
 * <p>Threading: one daemon thread of its own samples until {@link #close}; the readers synchronise on this.
 */
final class KernelBursts implements AutoCloseable {

    private static final long SAMPLE_MS = 20;
    /** A window is a burst's when kdamond ran at least this long in it (ns). */
    static final long BURST_NANOS = 5_000_000;

    private final List<Path> threads;
    private final List<long[]> samples = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "kernel-bursts");
        thread.setDaemon(true);
        return thread;
    });

    KernelBursts() throws IOException {
        this(kdamonds());
    }

    /** Samples the time on a core of {@code threads} (their {@code schedstat} files); none: records nothing. */
    KernelBursts(List<Path> threads) {
        this.threads = threads;
        if (!threads.isEmpty()) {
            sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Whether this machine runs kdamond threads at all. */
    boolean present() {
        return !threads.isEmpty();
    }

    private static List<Path> kdamonds() throws IOException {
        List<Path> found = new ArrayList<>();
        MachineCpu.forEachProcess(process -> {
            if (Files.readString(process.resolve("comm")).startsWith("kdamond")) {
                found.add(process.resolve("schedstat"));
            }
        });
        return found;
    }

    private void sample() {
        long onCore = 0;
        for (Path thread : threads) {
            try {
                onCore += Long.parseLong(Files.readString(thread).trim().split(" ")[0]);
            } catch (IOException | RuntimeException gone) {
                // a kdamond that stopped counts no more
            }
        }
        record(System.nanoTime(), onCore);
    }

    /** At {@code at} ({@link System#nanoTime()}), the kdamond threads had run {@code onCore} ns in all. */
    synchronized void record(long at, long onCore) {
        samples.add(new long[] {at, onCore});
    }

    /**
     * The nanoseconds kdamond ran in each window of {@code windowNanos} from {@code origin} up to {@code end}, by
     * window start: a sample's increase is put in the window where its interval ended.
     */
    synchronized SortedMap<Long, Long> byWindow(long origin, long end, long windowNanos) {
        SortedMap<Long, Long> windows = new TreeMap<>();
        for (int i = 1; i < samples.size(); i++) {
            long at = samples.get(i)[0];
            if (at >= origin && at < end) {
                windows.merge(origin + (at - origin) / windowNanos * windowNanos,
                        samples.get(i)[1] - samples.get(i - 1)[1], Long::sum);
            }
        }
        return windows;
    }

    /**
     * The windows of {@code windowNanos} from {@code origin} up to {@code end} in which kdamond ran at least
     * {@link #BURST_NANOS}, or which came just before such a window (a token written just before a burst waits
     * through it).
     */
    Set<Long> nearBursts(long origin, long end, long windowNanos) {
        SortedMap<Long, Long> bursts = byWindow(origin, end + windowNanos, windowNanos);
        Set<Long> near = new HashSet<>();
        for (long window = origin; window < end; window += windowNanos) {
            if (bursts.getOrDefault(window, 0L) >= BURST_NANOS
                    || bursts.getOrDefault(window + windowNanos, 0L) >= BURST_NANOS) {
                near.add(window);
            }
        }
        return near;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
