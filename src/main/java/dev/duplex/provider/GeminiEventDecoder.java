package dev.duplex.provider;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Set;

/**
 * Decodes Gemini's {@code streamGenerateContent?alt=sse} stream: each event is a whole
 * {@code GenerateContentResponse}; text is in {@code candidates[0].content.parts[].text} (parts marked
 * {@code thought} are reasoning and left out), {@code finishReason} ends the candidate, {@code usageMetadata}
 * carries cumulative counts, {@code promptFeedback.blockReason} means the prompt was refused. There is no end
 * marker: the stream ends after the chunk with the finish reason.
 *
 * <p>Threading: one decoder per stream, fed by one thread at a time.
 */
final class GeminiEventDecoder {

    private static final Set<String> TRANSIENT = Set.of("UNAVAILABLE", "RESOURCE_EXHAUSTED", "INTERNAL",
            "DEADLINE_EXCEEDED");

    private final StreamListener listener;

    GeminiEventDecoder(StreamListener listener) {
        this.listener = listener;
    }

    void accept(SseEvent event) {
        JsonObject chunk = ProviderJson.chunk(event.data());
        if (chunk.containsKey("error")) {
            listener.providerError(ProviderJson.errorMessage(chunk), TRANSIENT.contains(ProviderJson.errorType(chunk)));
            return;
        }
        JsonArray candidates = chunk.get("candidates") instanceof JsonArray array ? array : JsonValue.EMPTY_JSON_ARRAY;
        if (!candidates.isEmpty() && candidates.get(0) instanceof JsonObject candidate) {
            text(candidate);
            String finishReason = ProviderJson.string(candidate, "finishReason");
            if (finishReason != null && !finishReason.isEmpty()) {
                listener.finish(finishReason(finishReason));
            }
        } else if (chunk.get("promptFeedback") instanceof JsonObject feedback
                && ProviderJson.string(feedback, "blockReason") != null) {
            listener.finish("content_filter");
        }
        if (chunk.get("usageMetadata") instanceof JsonObject usage) {
            listener.usage(Usage.reported(ProviderJson.number(usage, "promptTokenCount"),
                    ProviderJson.number(usage, "candidatesTokenCount") + ProviderJson.number(usage, "thoughtsTokenCount")));
        }
    }

    private void text(JsonObject candidate) {
        if (!(candidate.get("content") instanceof JsonObject content)
                || !(content.get("parts") instanceof JsonArray parts)) {
            return;
        }
        for (JsonValue value : parts) {
            if (value instanceof JsonObject part && !ProviderJson.isTrue(part, "thought")) {
                String text = ProviderJson.string(part, "text");
                if (text != null && !text.isEmpty()) {
                    listener.text(text);
                }
            }
        }
    }

    static String finishReason(String reason) {
        return switch (reason) {
            case "STOP" -> "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE" ->
                    "content_filter";
            case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL" -> "tool_calls";
            default -> "other";
        };
    }
}
