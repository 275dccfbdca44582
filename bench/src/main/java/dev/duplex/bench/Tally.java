package dev.duplex.bench;

import java.util.List;

/**
 * What one simulated user observed: per-token latency, time to first token, tokens and errors. Not thread-safe:
 * its session calls it under its own monitor, and {@link #result} reads it after the level's latch.
 */
final class Tally {

    private final Samples latency = new Samples();
    private final Samples ttft = new Samples();
    private long tokens;
    private long errors;
    private long sentAt;
    private boolean first;

    /** A request or message was just sent. */
    void sent() {
        sentAt = System.nanoTime();
        first = true;
    }

    /** Relayed text arrived at {@code now}: record its first-token time and each stamped token's latency. */
    void received(String content, long now) {
        if (first) {
            ttft.add((now - sentAt) / 1000);
            first = false;
        }
        tokens += TokenStamps.record(content, now, latency);
    }

    void error() {
        errors++;
    }

    /** Merges the sessions' tallies; {@code unfinished} sessions that missed the deadline count as errors. */
    static Result result(String mode, Level level, List<Tally> tallies, long unfinished, double seconds,
                         double serverCpuSeconds) {
        Samples latency = new Samples();
        Samples ttft = new Samples();
        long tokens = 0;
        long errors = unfinished;
        for (Tally tally : tallies) {
            synchronized (tally) {
                latency.addAll(tally.latency);
                ttft.addAll(tally.ttft);
                tokens += tally.tokens;
                errors += tally.errors;
            }
        }
        return new Result(mode, level, tokens, errors, seconds, latency, ttft, serverCpuSeconds);
    }
}
