package dev.duplex.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplex.error.DuplexException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MessageRateTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final MessageRate rate = new MessageRate(now::get);

    @Test
    void aBurstUpToTheRateIsAllowedThenRefusedWithTheWait() {
        for (int i = 0; i < 6; i++) {
            rate.take("ann", 6);
        }
        DuplexException refused = assertThrows(DuplexException.class, () -> rate.take("ann", 6));
        assertEquals("rate_limited", refused.code().wireName());
        assertEquals(10_000L, refused.retryAfterMs(), "one message every 10 s at 6 a minute");
    }

    @Test
    void theBucketRefillsContinuously() {
        for (int i = 0; i < 6; i++) {
            rate.take("ann", 6);
        }
        advanceMillis(4_000);
        DuplexException refused = assertThrows(DuplexException.class, () -> rate.take("ann", 6));
        assertEquals(6_000L, refused.retryAfterMs());
        advanceMillis(6_000);
        rate.take("ann", 6);
    }

    @Test
    void usersHaveBucketsOfTheirOwnAndZeroMeansNoLimit() {
        for (int i = 0; i < 6; i++) {
            rate.take("ann", 6);
        }
        rate.take("bob", 6);
        for (int i = 0; i < 1000; i++) {
            rate.take("cyd", 0);
        }
        assertEquals(2, rate.tracked());
    }

    @Test
    void idleUsersAreForgotten() {
        for (int i = 0; i < 1023; i++) {
            rate.take("user" + i, 6);
        }
        advanceMillis(60_000);
        rate.take("last", 6);
        assertEquals(1, rate.tracked(), "full buckets are swept");
    }

    @Test
    void aSweepJudgesEachBucketByItsOwnRate() {
        rate.take("slow", 1); // one a minute: empty now
        advanceMillis(2_000);
        for (int i = 0; i < 1023; i++) {
            rate.take("fast" + i, 60); // the last of these sweeps every bucket
        }
        DuplexException refused = assertThrows(DuplexException.class, () -> rate.take("slow", 1),
                "the sweep must not refill a one-a-minute bucket at sixty a minute");
        assertEquals(58_000L, refused.retryAfterMs());
    }

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
