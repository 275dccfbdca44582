package dev.duplex.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.provider.ModelEntry;
import dev.duplex.provider.Provider;
import dev.duplex.provider.ProviderKind;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTest {

    private static final String OPENAI_401 = "{\"error\":{\"message\":\"Incorrect API key provided: sk-abc. You can "
            + "find your API key at https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\","
            + "\"param\":null,\"code\":\"invalid_api_key\"}}";

    @Test
    void unauthorizedIsAuthFailedWithProviderMessage() {
        DuplexException e = UpstreamErrors.fromResponse(401, "application/json", OPENAI_401, null);
        assertEquals(ErrorCode.UPSTREAM_AUTH_FAILED, e.code());
        assertEquals(401, e.status());
        assertEquals("The model provider answered HTTP 401: Incorrect API key provided: sk-abc. You can find your "
                + "API key at https://platform.openai.com/account/api-keys.", e.getMessage());
    }

    @Test
    void tooManyRequestsCarriesRetryAfter() {
        DuplexException e = UpstreamErrors.fromResponse(429, "application/json",
                "{\"error\":{\"message\":\"Rate limit reached\"}}", "7");
        assertEquals(ErrorCode.UPSTREAM_RATE_LIMITED, e.code());
        assertEquals(7000L, e.retryAfterMs());
    }

    @Test
    void serverErrorWithHtmlBodyQuotesItsText() {
        DuplexException e = UpstreamErrors.fromResponse(502, "text/html", "<html>\n Bad   gateway </html>", null);
        assertEquals(ErrorCode.UPSTREAM_HTTP_ERROR, e.code());
        assertEquals("The model provider answered HTTP 502: <html> Bad gateway </html>", e.getMessage());
    }

    /** JSON-P will not build a number of more than 1,100 characters: the body is then quoted as text. */
    @Test
    void errorBodyWithANumberJsonPWillNotBuildIsStillDescribed() {
        DuplexException e = UpstreamErrors.fromResponse(502, "application/json",
                "{\"error\":{\"message\":\"down\",\"code\":1" + "0".repeat(2_000) + "}}", null);
        assertEquals(ErrorCode.UPSTREAM_HTTP_ERROR, e.code());
        assertEquals(502, e.status());
    }

    @Test
    void okWithJsonInsteadOfStreamIsBadResponse() {
        DuplexException e = UpstreamErrors.fromResponse(200, "application/json", "{\"id\":\"x\"}", null);
        assertEquals(ErrorCode.UPSTREAM_BAD_RESPONSE, e.code());
    }

    @Test
    void retryAfterAcceptsSecondsAndHttpDates() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        assertEquals(1500L, UpstreamErrors.retryAfterMs("1.5", now));
        assertEquals(30_000L, UpstreamErrors.retryAfterMs("Tue, 24 Nov 2026 10:00:30 GMT", now));
        assertEquals(0L, UpstreamErrors.retryAfterMs("Tue, 24 Nov 2026 09:00:00 GMT", now));
        assertNull(UpstreamErrors.retryAfterMs("soon", now));
        assertNull(UpstreamErrors.retryAfterMs(null, now));
    }

    @Test
    void redactsTheApiKeyFromAnyMessage() {
        Provider provider = new Provider("p", ProviderKind.OPENAI, URI.create("http://x"), "sk-secret-123",
                Map.of("X-Tenant-Secret", "tenant-42-secret"), null);
        ModelEntry model = new ModelEntry("m", "p", "m", "m", null, null, null, null, List.of());
        UpstreamCall call = new UpstreamCall(model, provider, 1, 1, 1);
        DuplexException e = call.redact(new DuplexException(ErrorCode.UPSTREAM_AUTH_FAILED,
                "Incorrect API key provided: sk-secret-123.", 401, null, null));
        assertEquals("Incorrect API key provided: [redacted].", e.getMessage());
        assertEquals(401, e.status());
        assertEquals("bad header [redacted]", call.redact(new DuplexException(ErrorCode.UPSTREAM_BAD_REQUEST,
                "bad header tenant-42-secret")).getMessage());
    }
}
