package dev.duplex.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Which failures are retried and how long each retry waits. */
class RetryPolicyTest {

    private static final RetryPolicy POLICY = new RetryPolicy(5, 100, 1000, 30_000);

    private static DuplexException http(int status) {
        return new DuplexException(status == 429 ? ErrorCode.UPSTREAM_RATE_LIMITED : ErrorCode.UPSTREAM_HTTP_ERROR,
                "HTTP " + status, status, null, null);
    }

    @Test
    void failuresThatMayPassAreRetried() {
        assertTrue(RetryPolicy.transientFailure(http(429)));
        assertTrue(RetryPolicy.transientFailure(http(408)));
        assertTrue(RetryPolicy.transientFailure(http(500)));
        assertTrue(RetryPolicy.transientFailure(http(503)));
        assertTrue(RetryPolicy.transientFailure(new DuplexException(ErrorCode.UPSTREAM_UNREACHABLE, "refused")));
        assertTrue(RetryPolicy.transientFailure(new DuplexException(ErrorCode.UPSTREAM_OVERLOADED, "529", 529, null,
                null)));
        assertTrue(RetryPolicy.transientFailure(new DuplexException(ErrorCode.UPSTREAM_ERROR, "overloaded", null,
                null, null, true)));
    }

    @Test
    void failuresAnOperatorMustFixAreNot() {
        assertFalse(RetryPolicy.transientFailure(new DuplexException(ErrorCode.UPSTREAM_AUTH_FAILED, "401", 401,
                null, null)));
        assertFalse(RetryPolicy.transientFailure(new DuplexException(ErrorCode.UPSTREAM_MODEL_NOT_FOUND, "404", 404,
                null, null)));
        assertFalse(RetryPolicy.transientFailure(new DuplexException(ErrorCode.UPSTREAM_BAD_REQUEST, "400", 400,
                null, null)));
        assertFalse(RetryPolicy.transientFailure(new DuplexException(ErrorCode.UPSTREAM_ERROR, "bad", null, null,
                null, false)));
        assertFalse(RetryPolicy.transientFailure(new DuplexException(ErrorCode.UPSTREAM_BAD_CHUNK, "?")));
    }

    @RepeatedTest(20)
    void backOffDoublesWithJitterUpToTheCap() {
        assertBetween(50, 100, POLICY.delayMs(2, http(500)));
        assertBetween(100, 200, POLICY.delayMs(3, http(500)));
        assertBetween(200, 400, POLICY.delayMs(4, http(500)));
        assertBetween(500, 1000, POLICY.delayMs(30, http(500)));
    }

    @Test
    void retryAfterIsTheLeastWait() {
        DuplexException limited = new DuplexException(ErrorCode.UPSTREAM_RATE_LIMITED, "429", 429, 5000L, null);
        assertEquals(5000, POLICY.delayMs(2, limited));
    }

    private static void assertBetween(long low, long high, long value) {
        assertTrue(value >= low && value <= high, value + " not in [" + low + ", " + high + "]");
    }
}
