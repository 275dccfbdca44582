package dev.duplex.bench;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one level measured in one mode. Latencies in microseconds: per token from the upstream's write to the
 * client's receive, and the time to first token from the client's request. {@code stamps}: each token's
 * upstream stamp ({@link System#nanoTime()} of its write), in the order of {@code latency}. {@code sends}: when
 * each message was sent, by the {@code id=} of its prompt.
 */
record Result(String mode, Level level, long tokens, long errors, double seconds, Samples latency, Samples ttft,
              Samples stamps, double serverCpuSeconds, Map<String, Long> sends) {

    static final long WINDOW_NANOS = 100_000_000;

    /**
     * When the slow tokens were sent, given {@link #slowByWindow}: how many there were, how many windows had one,
     * and the most one window had, with its start in seconds into the level. A few windows with many slow tokens
     * are stalls (a pause of a whole process); many windows with a few are a spread tail.
     */
    String slowWindows(SortedMap<Long, Integer> windows) {
        if (windows.isEmpty()) {
            return "0 | 0 | |";
        }
        Map.Entry<Long, Integer> most = windows.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return String.format(Locale.ROOT, "%d | %d | %d at %.1f s |",
                windows.values().stream().mapToInt(Integer::intValue).sum(), windows.size(), most.getValue(),
                (most.getKey() - origin()) / 1e9);
    }

    /**
     * The tokens slower than {@link TokenStamps#SLOW_MICROS} by window of {@link #WINDOW_NANOS} from the level's
     * first message: each window's start ({@link System#nanoTime()}) and count, in time order.
     */
    SortedMap<Long, Integer> slowByWindow() {
        long origin = origin();
        SortedMap<Long, Integer> windows = new TreeMap<>();
        for (int i = 0; i < latency.size(); i++) {
            if (latency.get(i) > TokenStamps.SLOW_MICROS) {
                windows.merge(window(origin, stamps.get(i)), 1, Integer::sum);
            }
        }
        return windows;
    }

    /**
     * The table cells for the windows in {@code left} (those at or just before a burst of the kernel's memory
     * monitor): how many of the level's windows they are, how many of the slow tokens were written in them, and
     * the latency p50 / p99 of the tokens written outside them (ms). Were the bursts not the cause of the slow
     * tokens, the first two shares would be alike.
     */
    String windowsLeftOut(Set<Long> left, SortedMap<Long, Integer> slowByWindow) {
        long windows = Math.max(1, (long) Math.ceil(seconds * 1e9 / WINDOW_NANOS));
        long slow = slowByWindow.values().stream().mapToLong(Integer::longValue).sum();
        long slowInLeft = slowByWindow.entrySet().stream().filter(window -> left.contains(window.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        long origin = origin();
        Samples outside = new Samples();
        for (int i = 0; i < latency.size(); i++) {
            if (!left.contains(window(origin, stamps.get(i)))) {
                outside.add(latency.get(i));
            }
        }
        return String.format(Locale.ROOT, "%d of %d (%.0f%%) | %d (%.0f%%) | %.2f / %.2f |", left.size(), windows,
                100.0 * left.size() / windows, slowInLeft, slow == 0 ? 0.0 : 100.0 * slowInLeft / slow,
                outside.percentile(50) / 1000.0, outside.percentile(99) / 1000.0);
    }

    /** The start of the window in which {@code stamp} falls, the level's first message at {@code origin}. */
    private static long window(long origin, long stamp) {
        return origin + Math.floorDiv(stamp - origin, WINDOW_NANOS) * WINDOW_NANOS;
    }

    /** When the level's first message was sent. */
    long origin() {
        return sends.values().stream().mapToLong(Long::longValue).min().orElse(0);
    }

    /** From each message's sending to the upstream's having read its request, in microseconds. */
    Samples requestPath(Map<String, Long> arrivals) {
        Samples path = new Samples();
        sends.forEach((id, sent) -> {
            Long arrived = arrivals.get(id);
            if (arrived != null) {
                path.add((arrived - sent) / 1000);
            }
        });
        return path;
    }

    double tokensPerSecond() {
        return tokens / seconds;
    }

    /** Server CPU milliseconds per 1,000 relayed tokens (Duplex mode only). */
    double cpuMsPer1kTokens() {
        return tokens == 0 ? 0 : serverCpuSeconds * 1000 / tokens * 1000;
    }
}
