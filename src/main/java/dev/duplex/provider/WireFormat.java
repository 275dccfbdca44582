package dev.duplex.provider;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One provider API's streaming wire format: how to ask for a streamed answer and how to read the stream.
 * Implementations are stateless; a decoder returned by {@link #decoder} holds one stream's state.
 */
public interface WireFormat {

    /** The streaming request for {@code messages}, with the provider's authentication and extra headers. */
    HttpRequest request(Provider provider, ModelEntry model, List<ChatMessage> messages);

    /** True when a 200 response with this content type is this format's stream: SSE unless said otherwise. */
    default boolean isStream(String contentType) {
        return contentType.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream");
    }

    /** Reads one response body, a line at a time (without line terminators), into {@code listener}. */
    Consumer<String> decoder(StreamListener listener);

    /** A JSON POST to {@code uri} with the provider's extra headers, plus {@code headers} (name, value...). */
    static HttpRequest post(URI uri, String json, Provider provider, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            if (headers[i + 1] != null) {
                builder.header(headers[i], headers[i + 1]);
            }
        }
        for (Map.Entry<String, String> header : provider.headers().entrySet()) {
            builder.setHeader(header.getKey(), header.getValue());
        }
        return builder.build();
    }

    /** {@code base} and {@code path} joined with exactly one slash. */
    static URI join(URI base, String path) {
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + path);
    }
}
