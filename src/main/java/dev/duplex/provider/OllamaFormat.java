package dev.duplex.provider;

import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Ollama's native API: {@code POST {base}/api/chat} with {@code stream: true}, answered with
 * {@code application/x-ndjson}, one JSON object a line. A key, when configured (Ollama behind a proxy), is sent
 * as a Bearer token.
 */
final class OllamaFormat implements WireFormat {

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    @Override
    public HttpRequest request(Provider provider, ModelEntry model, List<ChatMessage> messages) {
        return WireFormat.post(WireFormat.join(provider.baseUrl(), "/api/chat"), body(model, messages), provider,
                "Accept", "application/x-ndjson",
                "Authorization", provider.apiKey() == null ? null : "Bearer " + provider.apiKey());
    }

    static String body(ModelEntry model, List<ChatMessage> messages) {
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("model", model.upstreamName())
                .add("stream", true)
                .add("messages", OpenAiFormat.messages(messages));
        if (model.maxOutputTokens() != null) {
            body.add("options", JSON.createObjectBuilder().add("num_predict", model.maxOutputTokens()));
        }
        return body.build().toString();
    }

    @Override
    public boolean isStream(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/x-ndjson") || type.startsWith("application/json");
    }

    @Override
    public Consumer<String> decoder(StreamListener listener) {
        return new OllamaLineDecoder(listener)::accept;
    }
}
