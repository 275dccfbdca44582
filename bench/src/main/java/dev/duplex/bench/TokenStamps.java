package dev.duplex.bench;

/** Reads the upstream's stamps out of relayed text: each token is a System.nanoTime() value and a space. */
final class TokenStamps {

    private TokenStamps() {
    }

    /** Latencies above this (µs) are slow: their stamps are kept, to tell stalls from a spread tail. */
    static final long SLOW_MICROS = 10_000;

    /**
     * Adds the latency (µs) of every stamp in {@code content} received at {@code now}, and the stamp itself to
     * {@code slow} when that latency is above {@link #SLOW_MICROS}; returns how many.
     */
    static int record(String content, long now, Samples latency, Samples slow) {
        int count = 0;
        long value = 0;
        boolean inNumber = false;
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                inNumber = true;
            } else if (inNumber) {
                add(value, now, latency, slow);
                count++;
                value = 0;
                inNumber = false;
            }
        }
        if (inNumber) {
            add(value, now, latency, slow);
            count++;
        }
        return count;
    }

    private static void add(long stamp, long now, Samples latency, Samples slow) {
        long micros = (now - stamp) / 1000;
        latency.add(micros);
        if (micros > SLOW_MICROS) {
            slow.add(stamp);
        }
    }
}
