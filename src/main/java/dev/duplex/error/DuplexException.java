package dev.duplex.error;

/**
 * A failure that the client is told about in an {@code error} frame. Carries the stable code, a human-readable
 * message that never contains a secret, and for upstream HTTP failures the status and the provider's
 * requested back-off.
 */
public class DuplexException extends RuntimeException {

    private final ErrorCode code;
    private final Integer status;
    private final Long retryAfterMs;
    private final boolean retryable;

    public DuplexException(ErrorCode code, String message) {
        this(code, message, null, null, null);
    }

    public DuplexException(ErrorCode code, String message, Throwable cause) {
        this(code, message, null, null, cause);
    }

    public DuplexException(ErrorCode code, String message, Integer status, Long retryAfterMs, Throwable cause) {
        this(code, message, status, retryAfterMs, cause, false);
    }

    /** {@code retryable}: the provider said the failure may pass (overloaded, server error), whatever the code. */
    public DuplexException(ErrorCode code, String message, Integer status, Long retryAfterMs, Throwable cause,
                           boolean retryable) {
        super(message, cause);
        this.code = code;
        this.status = status;
        this.retryAfterMs = retryAfterMs;
        this.retryable = retryable;
    }

    /** The same failure with another message (to scrub a secret from it, or to add what was tried). */
    public DuplexException withMessage(String message) {
        return new DuplexException(code, message, status, retryAfterMs, getCause(), retryable);
    }

    /**
     * {@code failure} as the client is to see it: itself when it is a {@code DuplexException}, else (a database
     * or other unexpected failure, logged here with its cause) {@code storage_error} or {@code internal_error}.
     */
    public static DuplexException of(RuntimeException failure) {
        if (failure instanceof DuplexException duplex) {
            return duplex;
        }
        java.util.logging.Logger.getLogger(DuplexException.class.getName())
                .log(java.util.logging.Level.WARNING, "Unexpected failure", failure);
        boolean storage = failure instanceof jakarta.persistence.PersistenceException;
        return storage
                ? new DuplexException(ErrorCode.STORAGE_ERROR, "The database could not complete the request; try"
                        + " again.", failure)
                : new DuplexException(ErrorCode.INTERNAL_ERROR, "Something went wrong in Duplex; try again.", failure);
    }

    public boolean retryable() {
        return retryable;
    }

    public ErrorCode code() {
        return code;
    }

    public Integer status() {
        return status;
    }

    public Long retryAfterMs() {
        return retryAfterMs;
    }

    /** A wait as whole seconds, rounded up and at least 1: what {@code Retry-After} and messages say. */
    public static long seconds(long waitMs) {
        return Math.max(1, (waitMs + 999) / 1000);
    }
}
