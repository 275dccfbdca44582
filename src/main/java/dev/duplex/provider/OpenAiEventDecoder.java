package dev.duplex.provider;

import jakarta.json.JsonObject;
import java.util.Set;

/**
 * Decodes the events of an OpenAI-compatible {@code /chat/completions} stream. Tolerates what real providers send
 * beyond the documentation: a first chunk with only a role, {@code content: null}, chunks with empty
 * {@code choices}, usage in its own chunk after the finish chunk, {@code finish_reason: ""} on intermediate
 * chunks, and an {@code error} object (or an {@code event: error}) inside a 200 response. Reasoning text
 * ({@code reasoning_content}, {@code reasoning}) is not answer text and is left out.
 *
 * <p>A chunk is read with JSON-P's streaming parser ({@link OpenAiChunk}); an error, rare, with its object model.
 *
 * <p>Threading: stateless apart from the listener; one decoder per stream.
 */
final class OpenAiEventDecoder {

    static final String DONE = "[DONE]";
    static final Set<String> TRANSIENT = Set.of("server_error", "overloaded_error", "rate_limit_error",
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
        OpenAiChunk chunk = OpenAiChunk.read(data);
        if ("error".equals(event.type()) || chunk.hasError) {
            error(ProviderJson.chunk(data));
            return;
        }
        if (chunk.content != null && !chunk.content.isEmpty()) {
            listener.text(chunk.content);
        }
        if (chunk.finishReason != null && !chunk.finishReason.isEmpty()) {
            listener.finish("function_call".equals(chunk.finishReason) ? "tool_calls" : chunk.finishReason);
        }
        if (chunk.hasUsage) {
            listener.usage(Usage.reported(chunk.promptTokens, chunk.completionTokens));
        }
    }

    private void error(JsonObject chunk) {
        listener.providerError(ProviderJson.errorMessage(chunk), TRANSIENT.contains(ProviderJson.errorType(chunk)));
    }
}
