package dev.duplex.bench;

import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one level measured in one mode. Latencies in microseconds: per token from the upstream's write to the
 * client's receive, and the time to first token from the client's request. {@code slow}: the upstream's stamps
 * ({@link System#nanoTime()}) of the tokens slower than {@link TokenStamps#SLOW_MICROS}. {@code sends}: when each
 * message was sent, by the {@code id=} of its prompt.
 */
record Result(String mode, Level level, long tokens, long errors, double seconds, Samples latency, Samples ttft,
              Samples slow, double serverCpuSeconds, Map<String, Long> sends) {

    static final long WINDOW_NANOS = 100_000_000;

    /**
     * When the slow tokens were sent, given {@link #slowByWindow}: how many windows had one, and the most one window
     * had, with its start in seconds into the level. A few windows with
     * many slow tokens are stalls (a pause of a whole process); many windows with a few are a spread tail.
     */
    String slowWindows(SortedMap<Long, Integer> windows) {
        if (windows.isEmpty()) {
            return "0 | 0 | |";
        }
        Map.Entry<Long, Integer> most = windows.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return String.format(Locale.ROOT, "%d | %d | %d at %.1f s |", slow.size(), windows.size(), most.getValue(),
                (most.getKey() - origin()) / 1e9);
    }

    /** The slow tokens by window: each window's start ({@link System#nanoTime()}) and count, in time order. */
    SortedMap<Long, Integer> slowByWindow() {
        long origin = origin();
        SortedMap<Long, Integer> windows = new TreeMap<>();
        for (long stamp : slow.sorted()) {
            windows.merge(origin + Math.floorDiv(stamp - origin, WINDOW_NANOS) * WINDOW_NANOS, 1, Integer::sum);
        }
        return windows;
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
