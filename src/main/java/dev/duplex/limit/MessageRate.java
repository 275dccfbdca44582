package dev.duplex.limit;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Messages per minute per user ({@code duplex.limits.messages-per-minute}, default 30; 0 turns it off): a token
 * bucket per user that holds a minute's worth and refills continuously, so a burst is allowed and a steady flood
 * is not. A refused message is {@code rate_limited} with {@code retry_after_ms}: when the next one would pass.
 *
 * <p>Threading: thread-safe; each bucket is updated under its own lock. Full (idle) buckets are dropped now and
 * then, so the map holds only users who sent recently.
 */
@ApplicationScoped
public class MessageRate {

    private static final int SWEEP_EVERY = 1024;

    @Inject
    UserLimits limits;

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private int taken;

    public MessageRate() {
        this(System::nanoTime);
    }

    MessageRate(LongSupplier clock) {
        this.clock = clock;
    }

    /** Takes one message from {@code user}'s bucket, or throws {@code rate_limited}. */
    public void take(String user) {
        take(user, limits.intValue(user, "messages-per-minute", 30));
    }

    /** Takes one from the bucket of {@code user} (or of anything else counted per minute, such as sign-ins). */
    public void take(String user, int perMinute) {
        if (perMinute <= 0) {
            return;
        }
        long now = clock.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(user, u -> new Bucket(perMinute, now));
        long waitNanos = bucket.take(perMinute, now);
        sweepNow(now);
        if (waitNanos > 0) {
            long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos));
            throw new DuplexException(ErrorCode.RATE_LIMITED, "Too many messages: at most " + perMinute
                    + " a minute. Try again in " + DuplexException.seconds(waitMs) + " s.", null, waitMs, null);
        }
    }

    int tracked() {
        return buckets.size();
    }

    private void sweepNow(long now) {
        boolean sweep;
        synchronized (this) {
            sweep = ++taken % SWEEP_EVERY == 0;
        }
        if (sweep) {
            buckets.values().removeIf(bucket -> bucket.full(now));
        }
    }

    /**
     * Tokens are fractional: {@code tokens} holds whole messages, refilled at perMinute per 60 s. A bucket keeps the
     * rate it was last taken at (limits differ per user, and sign-ins have their own), so a sweep judges each
     * bucket by its own rate and never refills one at another's.
     */
    private static final class Bucket {

        private double tokens;
        private long updatedNanos;
        private int perMinute;

        Bucket(int perMinute, long now) {
            tokens = perMinute;
            updatedNanos = now;
            this.perMinute = perMinute;
        }

        /** 0 when a token was taken, else the nanoseconds until one will be there. */
        synchronized long take(int perMinute, long now) {
            this.perMinute = perMinute;
            refill(perMinute, now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * nanosPerToken(perMinute));
        }

        synchronized boolean full(long now) {
            refill(perMinute, now);
            return tokens >= perMinute;
        }

        private void refill(int perMinute, long now) {
            tokens = Math.min(perMinute, tokens + (now - updatedNanos) / nanosPerToken(perMinute));
            updatedNanos = now;
        }

        private static double nanosPerToken(int perMinute) {
            return TimeUnit.MINUTES.toNanos(1) / (double) perMinute;
        }
    }
}
