package dev.duplex.provider;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Anthropic's Messages API: {@code POST {base}/messages} with {@code stream: true}, the key in {@code x-api-key}
 * and {@code anthropic-version: 2023-06-01}. The system prompt is a top-level field, not a message, and
 * {@code max_tokens} is required (the model's {@code max-output-tokens}, else 4096).
 */
final class AnthropicFormat implements WireFormat {

    static final String API_VERSION = "2023-06-01";
    static final int DEFAULT_MAX_TOKENS = 4096;
    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    @Override
    public HttpRequest request(Provider provider, ModelEntry model, List<ChatMessage> messages) {
        return WireFormat.post(WireFormat.join(provider.baseUrl(), "/messages"), body(model, messages), provider,
                "Accept", "text/event-stream", "anthropic-version", API_VERSION, "x-api-key", provider.apiKey());
    }

    static String body(ModelEntry model, List<ChatMessage> messages) {
        StringBuilder system = new StringBuilder();
        JsonArrayBuilder turns = JSON.createArrayBuilder();
        for (ChatMessage message : messages) {
            if ("system".equals(message.role())) {
                system.append(system.isEmpty() ? "" : "\n\n").append(message.content());
            } else {
                turns.add(JSON.createObjectBuilder().add("role", message.role()).add("content", message.content()));
            }
        }
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("model", model.upstreamName())
                .add("max_tokens", model.maxOutputTokens() != null ? model.maxOutputTokens() : DEFAULT_MAX_TOKENS)
                .add("stream", true);
        if (!system.isEmpty()) {
            body.add("system", system.toString());
        }
        return body.add("messages", turns).build().toString();
    }

    @Override
    public Consumer<String> decoder(StreamListener listener) {
        return new SseParser(new AnthropicEventDecoder(listener)::accept)::line;
    }
}
