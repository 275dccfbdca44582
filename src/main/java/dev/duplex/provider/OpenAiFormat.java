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
 * Any OpenAI-compatible API: {@code POST {base}/chat/completions} with {@code stream: true} and
 * {@code stream_options.include_usage}, a Bearer key, an SSE answer ending in {@code [DONE]}.
 */
final class OpenAiFormat implements WireFormat {

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());

    @Override
    public HttpRequest request(Provider provider, ModelEntry model, List<ChatMessage> messages) {
        return WireFormat.post(WireFormat.join(provider.baseUrl(), "/chat/completions"), body(model, messages),
                provider, "Accept", "text/event-stream",
                "Authorization", provider.apiKey() == null ? null : "Bearer " + provider.apiKey());
    }

    static String body(ModelEntry model, List<ChatMessage> messages) {
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("model", model.upstreamName())
                .add("stream", true)
                .add("stream_options", JSON.createObjectBuilder().add("include_usage", true))
                .add("messages", messages(messages));
        if (model.maxOutputTokens() != null) {
            body.add("max_tokens", model.maxOutputTokens());
        }
        return body.build().toString();
    }

    /** {@code [{"role":..,"content":..}]}: the shape Ollama's native API shares with OpenAI's. */
    static JsonArrayBuilder messages(List<ChatMessage> messages) {
        JsonArrayBuilder array = JSON.createArrayBuilder();
        for (ChatMessage message : messages) {
            array.add(JSON.createObjectBuilder().add("role", message.role()).add("content", message.content()));
        }
        return array;
    }

    @Override
    public Consumer<String> decoder(StreamListener listener) {
        return new SseParser(new OpenAiEventDecoder(listener)::accept)::line;
    }
}
