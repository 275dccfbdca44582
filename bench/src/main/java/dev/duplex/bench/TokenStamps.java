package dev.duplex.bench;

/** Reads the upstream's stamps out of relayed text: each token is a System.nanoTime() value and a space. */
final class TokenStamps {

    private TokenStamps() {
    }

    /** Latencies above this (µs) are slow: the report says when their tokens were written. */
    static final long SLOW_MICROS = 10_000;

    /**
     * Adds the latency (µs) of every stamp in {@code content} received at {@code now} to {@code latency}, and the
     * stamp itself to {@code stamps} (in the same order); returns how many.
     */
    static int record(String content, long now, Samples latency, Samples stamps) {
        int count = 0;
        long value = 0;
        boolean inNumber = false;
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                inNumber = true;
            } else if (inNumber) {
                add(value, now, latency, stamps);
                count++;
                value = 0;
                inNumber = false;
            }
        }
        if (inNumber) {
            add(value, now, latency, stamps);
            count++;
        }
        return count;
    }

    private static void add(long stamp, long now, Samples latency, Samples stamps) {
        latency.add((now - stamp) / 1000);
        stamps.add(stamp);
    }
}
