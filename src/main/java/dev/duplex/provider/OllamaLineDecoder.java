package dev.duplex.provider;

import jakarta.json.JsonObject;

/**
 * Decodes Ollama's {@code /api/chat} stream: one JSON object a line (NDJSON). {@code message.content} is answer
 * text ({@code message.thinking} is reasoning and left out); the line with {@code done: true} carries
 * {@code done_reason}, {@code prompt_eval_count} and {@code eval_count}; a line {@code {"error":".."}} is an error.
 *
 * <p>Threading: one decoder per stream, fed by one thread at a time.
 */
final class OllamaLineDecoder {

    private final StreamListener listener;

    OllamaLineDecoder(StreamListener listener) {
        this.listener = listener;
    }

    void accept(String line) {
        if (line.isBlank()) {
            return;
        }
        JsonObject chunk = ProviderJson.chunk(line);
        if (chunk.containsKey("error")) {
            listener.providerError(ProviderJson.errorMessage(chunk), false);
            return;
        }
        if (chunk.get("message") instanceof JsonObject message) {
            String content = ProviderJson.string(message, "content");
            if (content != null && !content.isEmpty()) {
                listener.text(content);
            }
        }
        if (ProviderJson.isTrue(chunk, "done")) {
            String reason = ProviderJson.string(chunk, "done_reason");
            listener.finish(reason == null || reason.isEmpty() || "load".equals(reason) ? "stop" : reason);
            listener.usage(Usage.reported(
                    ProviderJson.number(chunk, "prompt_eval_count"), ProviderJson.number(chunk, "eval_count")));
            listener.done();
        }
    }
}
