package dev.duplex.stream;

import dev.duplex.error.DuplexException;
import dev.duplex.provider.ModelEntry;
import dev.duplex.provider.Provider;
import dev.duplex.provider.WireFormat;
import java.net.URI;

/**
 * The settings one attempt runs with, captured when it starts so that a configuration change never affects a
 * stream half-way. Knows the provider's secrets (key, extra headers) only to scrub them from any message a
 * provider echoes back.
 */
record UpstreamCall(ModelEntry model, Provider provider, long firstTokenTimeoutNanos, long idleTimeoutNanos,
                    long inputTokenEstimate) {

    private static final String REDACTED = "[redacted]";

    URI endpoint() {
        return provider.baseUrl();
    }

    WireFormat format() {
        return provider.kind().format();
    }

    DuplexException redact(DuplexException error) {
        String message = error.getMessage();
        if (message == null) {
            return error;
        }
        String scrubbed = scrub(message, provider.apiKey());
        for (String value : provider.headers().values()) {
            scrubbed = scrub(scrubbed, value);
        }
        return scrubbed.equals(message) ? error : error.withMessage(scrubbed);
    }

    private static String scrub(String text, String secret) {
        return secret == null || secret.length() < 4 ? text : text.replace(secret, REDACTED);
    }

    @Override
    public String toString() {
        return "UpstreamCall[model=" + model.id() + ", provider=" + provider.name() + "]";
    }
}
