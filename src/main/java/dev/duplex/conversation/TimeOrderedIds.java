package dev.duplex.conversation;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochRandomGenerator;

/**
 * Ids of new conversations, messages and generations: UUIDs of version 7 (RFC 9562), which begin with the
 * millisecond they were made, followed by 74 random bits from a {@code SecureRandom}. Rows written at the same
 * time therefore sit together at the end of every index on their id, instead of each in a random page: a store
 * larger than its page cache would read a page back for almost every insert (docs/benchmarks.md, finding 25).
 * The id tells its creation time, which the conversation's owner sees anyway.
 *
 * <p>Threading: thread-safe.
 */
public final class TimeOrderedIds {

    private static final TimeBasedEpochRandomGenerator GENERATOR = Generators.timeBasedEpochRandomGenerator();

    private TimeOrderedIds() {
    }

    public static String next() {
        return GENERATOR.generate().toString();
    }
}
