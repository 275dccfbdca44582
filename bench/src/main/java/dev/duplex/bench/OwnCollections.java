package dev.duplex.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * This JVM's garbage collections so far: how many, and the milliseconds they took, from its collectors' MXBeans
 * (with G1, the young and mixed collections' pauses, and full ones). The load generator and the fake upstream read
 * their own: a pause of either delays the tokens it receives or sends, in both modes (finding 84).
 */
final class OwnCollections {

    private OwnCollections() {
    }

    /** {count, milliseconds}. */
    static long[] now() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, collector.getCollectionCount());
            millis += Math.max(0, collector.getCollectionTime());
        }
        return new long[] {count, millis};
    }
}
