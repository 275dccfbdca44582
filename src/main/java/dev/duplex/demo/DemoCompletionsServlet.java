package dev.duplex.demo;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The demo model: an OpenAI-compatible {@code POST /demo/v1/chat/completions} that streams a deterministic
 * answer as real SSE. Requests are validated the way the real API does, with OpenAI-shaped error bodies.
 * Registered by {@link DemoRegistration}; the streams themselves are run by {@link DemoStreams}.
 */
public class DemoCompletionsServlet extends HttpServlet {

    /** Made once: {@code Json.createReader} looks the JSON-P provider up (a class-path scan) on every call. */
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private static final int MAX_BODY_BYTES = 1024 * 1024;

    @Inject
    DemoStreams streams;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JsonObject body;
        try {
            body = readBody(request);
        } catch (JsonException | IllegalStateException | ClassCastException | NumberFormatException e) {
            reject(response, 400, "The request body must be a JSON object.");
            return;
        }
        String question = lastUserMessage(body);
        if (question == null) {
            reject(response, 400, "'messages' must contain a user message with string content.");
            return;
        }
        if (!body.getBoolean("stream", false)) {
            reject(response, 400, "The demo model only streams: send \"stream\": true.");
            return;
        }
        boolean includeUsage = body.get("stream_options") instanceof JsonObject options
                && options.getBoolean("include_usage", false);
        response.setStatus(200);
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        AsyncContext async = request.startAsync();
        streams.start(async, body.getString("model", "duplex-demo"), DemoAnswer.tokens(question),
                promptTokens(body), includeUsage);
    }

    private static JsonObject readBody(HttpServletRequest request) throws IOException {
        InputStream in = request.getInputStream();
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES);
        try (var reader = READERS.createReader(new StringReader(new String(bytes, StandardCharsets.UTF_8)))) {
            return reader.readObject();
        }
    }

    private static String lastUserMessage(JsonObject body) {
        if (!(body.get("messages") instanceof JsonArray messages)) {
            return null;
        }
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i) instanceof JsonObject message && "user".equals(message.getString("role", null))
                    && message.get("content") instanceof jakarta.json.JsonString content) {
                return content.getString();
            }
        }
        return null;
    }

    private static long promptTokens(JsonObject body) {
        long chars = 0;
        for (JsonValue value : body.getJsonArray("messages")) {
            if (value instanceof JsonObject message && message.get("content") instanceof jakarta.json.JsonString s) {
                chars += s.getString().length() + 4;
            }
        }
        return (chars + 3) / 4;
    }

    private static void reject(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.createObjectBuilder()
                .add("error", Json.createObjectBuilder()
                        .add("message", message)
                        .add("type", "invalid_request_error"))
                .build().toString());
    }
}
