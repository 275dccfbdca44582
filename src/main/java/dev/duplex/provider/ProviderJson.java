package dev.duplex.provider;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.text.Excerpt;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.Map;

/** Reading the JSON that providers send: one chunk into an object, optional fields, their error bodies. */
public final class ProviderJson {

    private static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private ProviderJson() {
    }

    /** One streamed chunk, which must be a JSON object; anything else is {@code upstream_bad_chunk}. */
    static JsonObject chunk(String data) {
        try (var reader = READERS.createReader(new StringReader(data))) {
            JsonValue value = reader.readValue();
            if (value instanceof JsonObject object) {
                return object;
            }
            throw badChunk(data, null);
        } catch (JsonException | IllegalStateException | NumberFormatException | UnsupportedOperationException e) {
            throw badChunk(data, e); // the last two: a number JSON-P will not build (see OpenAiChunk.checkNumber)
        }
    }

    static DuplexException badChunk(String data, Exception cause) {
        String excerpt = Excerpt.of(data, 120);
        return new DuplexException(ErrorCode.UPSTREAM_BAD_CHUNK,
                "The model provider sent a chunk that is not a JSON object: " + excerpt, cause);
    }

    /**
     * The message of a provider's error body, whichever shape it has: OpenAI and Anthropic
     * {@code {"error":{"message":..}}}, Gemini {@code {"error":{"code":..,"message":..,"status":..}}}, Ollama
     * {@code {"error":".."}}, or a bare {@code {"message":..}}.
     */
    public static String errorMessage(JsonObject body) {
        JsonValue error = body.get("error");
        if (error instanceof JsonObject object) {
            String message = string(object, "message");
            return message != null ? message : object.toString();
        }
        if (error != null && error.getValueType() == JsonValue.ValueType.STRING) {
            return body.getString("error");
        }
        String message = string(body, "message");
        return message != null ? message : body.toString();
    }

    /** The error's type or status word ({@code overloaded_error}, {@code UNAVAILABLE}...), or "" if none. */
    static String errorType(JsonObject body) {
        if (body.get("error") instanceof JsonObject error) {
            String type = string(error, "type");
            if (type == null) {
                type = string(error, "status");
            }
            if (type == null) {
                type = string(error, "code");
            }
            return type != null ? type : "";
        }
        return "";
    }

    /** The parsed body, or null when it is not a JSON object. */
    public static JsonObject objectOrNull(String body) {
        String trimmed = body.strip();
        if (!trimmed.startsWith("{")) {
            return null;
        }
        try (var reader = READERS.createReader(new StringReader(trimmed))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException | NumberFormatException | UnsupportedOperationException e) {
            return null;
        }
    }

    static String string(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value != null && value.getValueType() == JsonValue.ValueType.STRING ? object.getString(name) : null;
    }

    static long number(JsonObject object, String name) {
        return object.get(name) instanceof JsonNumber number ? number.longValue() : 0;
    }

    static boolean isTrue(JsonObject object, String name) {
        return object.get(name) == JsonValue.TRUE;
    }
}
