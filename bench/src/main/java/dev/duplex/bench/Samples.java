package dev.duplex.bench;

import java.util.Arrays;

/** A growable array of long samples (no boxing); percentiles once sorted. Not thread-safe. */
final class Samples {

    private long[] values = new long[256];
    private int size;

    void add(long value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    void addAll(Samples other) {
        for (int i = 0; i < other.size; i++) {
            add(other.values[i]);
        }
    }

    /** The {@code index}th sample, in the order added. */
    long get(int index) {
        return values[index];
    }

    int size() {
        return size;
    }

    /** The p-th percentile (0..100) by nearest rank, after sorting; 0 when empty. */
    long percentile(double p) {
        if (size == 0) {
            return 0;
        }
        long[] sorted = sorted();
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.min(size, Math.max(1, rank)) - 1];
    }

    /** The samples in ascending order, a copy. */
    long[] sorted() {
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return sorted;
    }

    long max() {
        return percentile(100);
    }
}
