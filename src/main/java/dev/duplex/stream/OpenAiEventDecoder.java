package dev.duplex.stream;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Map;

/**
 * Decodes the events of an OpenAI-compatible {@code /chat/completions} stream. Tolerates what real providers send
 * beyond the documentation: a first chunk with only a role, {@code content: null}, chunks with empty
 * {@code choices}, usage in its own chunk after the finish chunk, {@code finish_reason: ""} on intermediate
 * chunks, and an {@code error} object (or an {@code event: error}) inside a 200 response.
 *
 * <p>Threading: stateless apart from the listener; one decoder per stream.
 */
final class OpenAiEventDecoder {

    static final String DONE = "[DONE]";
    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

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
        JsonObject chunk = parse(data);
        if ("error".equals(event.type()) || chunk.containsKey("error")) {
            listener.providerError(errorMessage(chunk));
            return;
        }
        JsonArray choices = chunk.getJsonArray("choices");
        if (choices != null && !choices.isEmpty() && choices.get(0) instanceof JsonObject choice) {
            text(choice);
            String finishReason = stringOrNull(choice, "finish_reason");
            if (finishReason != null && !finishReason.isEmpty()) {
                listener.finish(finishReason);
            }
        }
        if (chunk.get("usage") instanceof JsonObject usage) {
            listener.usage(Usage.reported(
                    longOrZero(usage, "prompt_tokens"), longOrZero(usage, "completion_tokens")));
        }
    }

    private void text(JsonObject choice) {
        if (choice.get("delta") instanceof JsonObject delta) {
            String content = stringOrNull(delta, "content");
            if (content != null && !content.isEmpty()) {
                listener.text(content);
            }
        }
    }

    private static JsonObject parse(String data) {
        try (var reader = READERS.createReader(new StringReader(data))) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject object) {
                return object;
            }
            throw badChunk(data, null);
        } catch (JsonException | IllegalStateException e) {
            throw badChunk(data, e);
        }
    }

    private static DuplexException badChunk(String data, Exception cause) {
        String excerpt = data.length() > 120 ? data.substring(0, 120) + "…" : data;
        return new DuplexException(ErrorCode.UPSTREAM_BAD_CHUNK,
                "The model provider sent a chunk that is not a JSON object: " + excerpt, cause);
    }

    /** Reads the message of an OpenAI-style error body: {@code {"error":{"message":..}}} or variants. */
    static String errorMessage(JsonObject body) {
        JsonValue error = body.get("error");
        if (error instanceof JsonObject object) {
            String message = stringOrNull(object, "message");
            return message != null ? message : object.toString();
        }
        if (error != null && error.getValueType() == JsonValue.ValueType.STRING) {
            return body.getString("error");
        }
        String message = stringOrNull(body, "message");
        return message != null ? message : body.toString();
    }

    static String stringOrNull(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value != null && value.getValueType() == JsonValue.ValueType.STRING
                ? object.getString(name) : null;
    }

    private static long longOrZero(JsonObject object, String name) {
        return object.get(name) instanceof jakarta.json.JsonNumber number ? number.longValue() : 0;
    }
}
