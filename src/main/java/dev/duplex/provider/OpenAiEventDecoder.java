package dev.duplex.provider;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.Set;

/**
 * Decodes the events of an OpenAI-compatible {@code /chat/completions} stream. Tolerates what real providers send
 * beyond the documentation: a first chunk with only a role, {@code content: null}, chunks with empty
 * {@code choices}, usage in its own chunk after the finish chunk, {@code finish_reason: ""} on intermediate
 * chunks, and an {@code error} object (or an {@code event: error}) inside a 200 response. Reasoning text
 * ({@code reasoning_content}, {@code reasoning}) is not answer text and is left out.
 *
 * <p>Threading: stateless apart from the listener; one decoder per stream.
 */
final class OpenAiEventDecoder {

    static final String DONE = "[DONE]";
    private static final Set<String> TRANSIENT = Set.of("server_error", "overloaded_error", "rate_limit_error",
            "rate_limit_exceeded", "api_error", "service_unavailable", "overloaded");

    private final StreamListener listener;

    OpenAiEventDecoder(StreamListener listener) {
        this.listener = listener;
    }

    void accept(SseEvent event) {
        String data = event.data();
        if (DONE.equals(data.strip())) {
            listener.done();
            return;
        }
        JsonObject chunk = ProviderJson.chunk(data);
        if ("error".equals(event.type()) || chunk.containsKey("error")) {
            listener.providerError(ProviderJson.errorMessage(chunk),
                    TRANSIENT.contains(ProviderJson.errorType(chunk)));
            return;
        }
        JsonArray choices = chunk.getJsonArray("choices");
        if (choices != null && !choices.isEmpty() && choices.get(0) instanceof JsonObject choice) {
            text(choice);
            String finishReason = ProviderJson.string(choice, "finish_reason");
            if (finishReason != null && !finishReason.isEmpty()) {
                listener.finish("function_call".equals(finishReason) ? "tool_calls" : finishReason);
            }
        }
        if (chunk.get("usage") instanceof JsonObject usage) {
            listener.usage(Usage.reported(
                    ProviderJson.number(usage, "prompt_tokens"), ProviderJson.number(usage, "completion_tokens")));
        }
    }

    private void text(JsonObject choice) {
        if (choice.get("delta") instanceof JsonObject delta) {
            String content = ProviderJson.string(delta, "content");
            if (content != null && !content.isEmpty()) {
                listener.text(content);
            }
        }
    }
}
