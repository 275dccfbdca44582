package dev.duplex.stream;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.provider.ProviderJson;
import dev.duplex.text.Excerpt;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Explains a response that is not a 200 event stream: the HTTP status, the provider's own error message (read
 * from its JSON error body when it has one) and, for 429/503, how long the provider asked us to wait.
 */
final class UpstreamErrors {

    private static final int MAX_EXCERPT = 300;

    private UpstreamErrors() {
    }

    static DuplexException fromResponse(int status, String contentType, String body, String retryAfter) {
        String providerMessage = providerMessage(body);
        if (status == 200) {
            return new DuplexException(ErrorCode.UPSTREAM_BAD_RESPONSE,
                    "The model provider answered with " + contentType + " instead of an event stream"
                            + (providerMessage.isEmpty() ? "." : ": " + providerMessage), status, null, null);
        }
        ErrorCode code = switch (status) {
            case 401, 403 -> ErrorCode.UPSTREAM_AUTH_FAILED;
            case 429 -> ErrorCode.UPSTREAM_RATE_LIMITED;
            case 404 -> ErrorCode.UPSTREAM_MODEL_NOT_FOUND;
            case 400, 413, 422 -> ErrorCode.UPSTREAM_BAD_REQUEST;
            case 529 -> ErrorCode.UPSTREAM_OVERLOADED;
            default -> ErrorCode.UPSTREAM_HTTP_ERROR;
        };
        String message = "The model provider answered HTTP " + status
                + (providerMessage.isEmpty() ? "." : ": " + providerMessage);
        return new DuplexException(code, message, status, retryAfterMs(retryAfter, Instant.now()), null);
    }

    /** The provider's message: {@code error.message} of a JSON body, else the start of the body text. */
    static String providerMessage(String body) {
        JsonObject object = ProviderJson.objectOrNull(body);
        return excerpt(object != null ? ProviderJson.errorMessage(object) : body.strip());
    }

    /** Retry-After as delay-seconds or an HTTP-date (RFC 9110 section 10.2.3); null when absent or unreadable. */
    static Long retryAfterMs(String retryAfter, Instant now) {
        if (retryAfter == null || retryAfter.isBlank()) {
            return null;
        }
        String value = retryAfter.strip();
        try {
            return Math.max(0, Math.round(Double.parseDouble(value) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Math.max(0, Duration.between(now, when).toMillis());
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    /** {@code text} on one line, and cut after {@value #MAX_EXCERPT} characters: a provider's words in a message. */
    static String excerpt(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return Excerpt.of(oneLine, MAX_EXCERPT);
    }

}
