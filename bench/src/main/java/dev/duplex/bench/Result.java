package dev.duplex.bench;

import java.util.Map;

/**
 * What one level measured in one mode. Latencies in microseconds: per token from the upstream's write to the
 * client's receive, and the time to first token from the client's request. {@code sends}: when each message was
 * sent ({@link System#nanoTime()}), by the {@code id=} of its prompt.
 */
record Result(String mode, Level level, long tokens, long errors, double seconds, Samples latency, Samples ttft,
              double serverCpuSeconds, Map<String, Long> sends) {

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
