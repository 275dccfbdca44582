package dev.duplex.bench;

/** Reads the upstream's stamps out of relayed text: each token is a System.nanoTime() value and a space. */
final class TokenStamps {

    private TokenStamps() {
    }

    /** Adds the latency (µs) of every stamp in {@code content} received at {@code now}; returns how many. */
    static int record(String content, long now, Samples latency) {
        int count = 0;
        long value = 0;
        boolean inNumber = false;
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                inNumber = true;
            } else if (inNumber) {
                latency.add((now - value) / 1000);
                count++;
                value = 0;
                inNumber = false;
            }
        }
        if (inNumber) {
            latency.add((now - value) / 1000);
            count++;
        }
        return count;
    }
}
