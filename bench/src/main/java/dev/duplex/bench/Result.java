package dev.duplex.bench;

/**
 * What one level measured in one mode. Latencies in microseconds: per token from the upstream's write to the
 * client's receive, and the time to first token from the client's request.
 */
record Result(String mode, Level level, long tokens, long errors, double seconds, Samples latency, Samples ttft,
              double serverCpuSeconds) {

    double tokensPerSecond() {
        return tokens / seconds;
    }

    /** Server CPU milliseconds per 1,000 relayed tokens (Duplex mode only). */
    double cpuMsPer1kTokens() {
        return tokens == 0 ? 0 : serverCpuSeconds * 1000 / tokens * 1000;
    }
}
