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

    public DuplexException(ErrorCode code, String message) {
        this(code, message, null, null, null);
    }

    public DuplexException(ErrorCode code, String message, Throwable cause) {
        this(code, message, null, null, cause);
    }

    public DuplexException(ErrorCode code, String message, Integer status, Long retryAfterMs, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.status = status;
        this.retryAfterMs = retryAfterMs;
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
}
