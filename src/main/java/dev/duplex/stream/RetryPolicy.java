package dev.duplex.stream;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed attempt is tried again: only before the first token reached the client, only for failures that
 * may pass (connection errors, timeouts, 408, 429, 5xx, a provider's "overloaded"), at most {@code maxAttempts}
 * times a model, after an exponential back-off with full jitter that honours {@code Retry-After}, and only while
 * the whole generation is within {@code budgetMs} of its start. Keys: {@code duplex.retry.*}.
 */
record RetryPolicy(int maxAttempts, long baseDelayMs, long maxDelayMs, long budgetMs) {

    /** Failures worth another attempt, on this model or a fallback. */
    static boolean transientFailure(DuplexException error) {
        return error.retryable() || switch (error.code()) {
            case UPSTREAM_UNREACHABLE, UPSTREAM_CONNECT_TIMEOUT, UPSTREAM_FIRST_TOKEN_TIMEOUT, UPSTREAM_RATE_LIMITED,
                    UPSTREAM_OVERLOADED, UPSTREAM_CONNECTION_LOST, UPSTREAM_TRUNCATED, UPSTREAM_IDLE_TIMEOUT,
                    UPSTREAM_CIRCUIT_OPEN -> true;
            case UPSTREAM_HTTP_ERROR -> error.status() != null && (error.status() == 408 || error.status() >= 500);
            default -> false;
        };
    }

    /**
     * The wait before attempt {@code next} (2 for the first retry): a random delay up to
     * {@code base * 2^(next-2)}, capped at {@code maxDelayMs}, and never shorter than the provider's Retry-After.
     */
    long delayMs(int next, DuplexException error) {
        long ceiling = Math.min(maxDelayMs, baseDelayMs << Math.min(20, Math.max(0, next - 2)));
        long jittered = ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        Long retryAfter = error.retryAfterMs();
        return retryAfter != null ? Math.max(jittered, retryAfter) : jittered;
    }

    static boolean circuitOpen(DuplexException error) {
        return error.code() == ErrorCode.UPSTREAM_CIRCUIT_OPEN;
    }
}
