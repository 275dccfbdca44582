package dev.duplex.stream;

/**
 * Something a waiting user should know: {@code retrying} (an attempt failed before the first token and is tried
 * again after {@code delayMs}) or {@code fallback} ({@code model} answers instead of {@code requestedModel}).
 */
public record Notice(String code, String message, String model, String requestedModel, Integer attempt,
                     Long delayMs) {

    static Notice retrying(String model, int attempt, long delayMs, String reason) {
        return new Notice("retrying", "The model provider failed (" + reason + "); trying again in " + delayMs
                + " ms.", model, null, attempt, delayMs);
    }

    static Notice fallback(String model, String requested, String reason) {
        return new Notice("fallback", requested + " is unavailable (" + reason + "); " + model
                + " answers instead.", model, requested, null, null);
    }
}
