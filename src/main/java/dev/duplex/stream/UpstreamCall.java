package dev.duplex.stream;

import dev.duplex.error.DuplexException;
import java.net.URI;

/**
 * The settings one generation runs with, captured when it starts so that a configuration change never affects a
 * stream half-way. Holds the API key only to scrub it from any message a provider echoes back.
 */
record UpstreamCall(String model, URI endpoint, String apiKey, long firstTokenTimeoutNanos,
                    long idleTimeoutNanos, long inputTokenEstimate) {

    private static final String REDACTED = "[redacted]";

    DuplexException redact(DuplexException error) {
        String message = error.getMessage();
        if (apiKey == null || apiKey.isBlank() || message == null || !message.contains(apiKey)) {
            return error;
        }
        return new DuplexException(error.code(), message.replace(apiKey, REDACTED), error.status(),
                error.retryAfterMs(), error.getCause());
    }

    @Override
    public String toString() {
        return "UpstreamCall[model=" + model + ", endpoint=" + endpoint + "]";
    }
}
