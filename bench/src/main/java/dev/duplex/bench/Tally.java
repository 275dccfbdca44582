package dev.duplex.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one simulated user observed: per-token latency, time to first token, tokens and errors. Not thread-safe:
 * its session calls it under its own monitor, and {@link #result} reads it after the level's latch.
 */
final class Tally {

    private final Samples latency = new Samples();
    private final Samples ttft = new Samples();
    private final Samples stamps = new Samples();
    private long tokens;
    private long errors;
    private final Map<String, Long> sends = new HashMap<>();
    private long sentAt;
    private boolean first;

    /** Message {@code id} (the {@code id=} of its prompt) was just sent, as a request or a message. */
    void sent(String id) {
        sentAt = System.nanoTime();
        sends.put(id, sentAt);
        first = true;
    }

    /** Relayed text arrived at {@code now}: record its first-token time and each stamped token's latency. */
    void received(String content, long now) {
        if (first) {
            ttft.add((now - sentAt) / 1000);
            first = false;
        }
        tokens += TokenStamps.record(content, now, latency, stamps);
    }

    void error() {
        errors++;
    }

    /** Merges the sessions' tallies; {@code unfinished} sessions that missed the deadline count as errors. */
    static Result result(String mode, Level level, List<Tally> tallies, long unfinished, double seconds,
                         double serverCpuSeconds) {
        Samples latency = new Samples();
        Samples ttft = new Samples();
        Samples stamps = new Samples();
        Map<String, Long> sends = new HashMap<>();
        long tokens = 0;
        long errors = unfinished;
        for (Tally tally : tallies) {
            synchronized (tally) {
                latency.addAll(tally.latency);
                ttft.addAll(tally.ttft);
                stamps.addAll(tally.stamps);
                sends.putAll(tally.sends);
                tokens += tally.tokens;
                errors += tally.errors;
            }
        }
        return new Result(mode, level, tokens, errors, seconds, latency, ttft, stamps, serverCpuSeconds, sends);
    }
}
