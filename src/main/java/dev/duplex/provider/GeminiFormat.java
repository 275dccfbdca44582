package dev.duplex.provider;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Google's Gemini API: {@code POST {base}/models/{model}:streamGenerateContent?alt=sse}, the key in
 * {@code x-goog-api-key}. Roles are {@code user} and {@code model}; the system prompt goes in
 * {@code systemInstruction}.
 */
final class GeminiFormat implements WireFormat {

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    @Override
    public HttpRequest request(Provider provider, ModelEntry model, List<ChatMessage> messages) {
        String path = "/models/" + URLEncoder.encode(model.upstreamName(), StandardCharsets.UTF_8)
                + ":streamGenerateContent?alt=sse";
        return WireFormat.post(WireFormat.join(provider.baseUrl(), path), body(model, messages), provider,
                "Accept", "text/event-stream", "x-goog-api-key", provider.apiKey());
    }

    static String body(ModelEntry model, List<ChatMessage> messages) {
        StringBuilder system = new StringBuilder();
        JsonArrayBuilder contents = JSON.createArrayBuilder();
        for (ChatMessage message : messages) {
            if ("system".equals(message.role())) {
                system.append(system.isEmpty() ? "" : "\n\n").append(message.content());
            } else {
                contents.add(JSON.createObjectBuilder()
                        .add("role", "assistant".equals(message.role()) ? "model" : "user")
                        .add("parts", JSON.createArrayBuilder().add(JSON.createObjectBuilder()
                                .add("text", message.content()))));
            }
        }
        JsonObjectBuilder body = JSON.createObjectBuilder().add("contents", contents);
        if (!system.isEmpty()) {
            body.add("systemInstruction", JSON.createObjectBuilder().add("parts",
                    JSON.createArrayBuilder().add(JSON.createObjectBuilder().add("text", system.toString()))));
        }
        if (model.maxOutputTokens() != null) {
            body.add("generationConfig", JSON.createObjectBuilder().add("maxOutputTokens", model.maxOutputTokens()));
        }
        return body.build().toString();
    }

    @Override
    public Consumer<String> decoder(StreamListener listener) {
        return new SseParser(new GeminiEventDecoder(listener)::accept)::line;
    }
}
