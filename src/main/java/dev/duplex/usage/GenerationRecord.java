package dev.duplex.usage;

import jakarta.json.bind.annotation.JsonbProperty;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * What one generation used, for accounting: the model asked for and the one that answered, its provider, tokens
 * (marked estimated when the provider could not report them), cost, time to first token, duration, outcome (a
 * finish reason or an error code) and how many attempts it took.
 */
public record GenerationRecord(String id, Instant at,
                               @JsonbProperty("requested_model") String requestedModel, String model, String provider,
                               @JsonbProperty("input_tokens") long inputTokens,
                               @JsonbProperty("output_tokens") long outputTokens, boolean estimated,
                               BigDecimal cost, String currency,
                               @JsonbProperty("ttft_ms") Long ttftMs, @JsonbProperty("duration_ms") long durationMs,
                               String outcome, int attempts) {
}
