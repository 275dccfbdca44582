package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SamplesTest {

    @Test
    void percentilesAreByNearestRankWhateverTheOrderAdded() {
        Samples samples = new Samples();
        for (long value = 100; value >= 1; value--) {
            samples.add(value);
        }
        assertEquals(1, samples.percentile(0));
        assertEquals(1, samples.percentile(1));
        assertEquals(50, samples.percentile(50));
        assertEquals(99, samples.percentile(99));
        assertEquals(100, samples.percentile(100));
        assertEquals(100, samples.max());
    }

    @Test
    void aPercentileBetweenRanksTakesTheHigherSample() {
        Samples samples = new Samples();
        samples.add(30);
        samples.add(10);
        samples.add(20);
        assertEquals(20, samples.percentile(50)); // rank ceil(1.5) = 2
        assertEquals(30, samples.percentile(99)); // rank ceil(2.97) = 3
        assertEquals(10, samples.percentile(33)); // rank ceil(0.99) = 1
    }

    @Test
    void noSamplesReadAsZero() {
        Samples samples = new Samples();
        assertEquals(0, samples.size());
        assertEquals(0, samples.percentile(50));
        assertEquals(0, samples.max());
    }

    @Test
    void samplesGrowPastTheFirstArrayAndKeepTheirOrder() {
        Samples samples = new Samples();
        for (int i = 0; i < 1_000; i++) {
            samples.add(i * 7L % 1_000);
        }
        assertEquals(1_000, samples.size());
        for (int i = 0; i < 1_000; i++) {
            assertEquals(i * 7L % 1_000, samples.get(i));
        }
        assertEquals(999, samples.max());
        assertEquals(0, samples.sorted()[0]);
        assertEquals(7, samples.get(1), "sorting for a percentile leaves the order added alone");
    }

    @Test
    void addAllAppendsTheOtherSamplesInTheirOrder() {
        Samples first = new Samples();
        first.add(5);
        Samples second = new Samples();
        second.add(3);
        second.add(9);
        first.addAll(second);
        assertEquals(3, first.size());
        assertArrayEquals(new long[] {5, 3, 9}, new long[] {first.get(0), first.get(1), first.get(2)});
        assertEquals(2, second.size());
    }
}
