package dev.duplex.provider;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The fields of one OpenAI chunk that Duplex uses, read with JSON-P's streaming parser; every other value is
 * skipped without being built. A provider's chunk is mostly fields Duplex does not need (id, model, fingerprint,
 * logprobs), and building all of them as an object model was more than half of what the upstream threads
 * allocated for a token of OpenAI's (docs/benchmarks.md, finding 70).
 *
 * <p>Reads what {@link ProviderJson#chunk} followed by lookups in its object would: the last of duplicate names
 * counts, a value of the wrong type counts as absent, and the chunk ends at its object's closing brace (anything
 * after it is ignored, as JSON-P's reader ignores it). A chunk with an {@code error} member is only flagged: its
 * message is read from the object model, a rare path.
 */
final class OpenAiChunk {

    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    /** {@code choices[0].delta.content}, when a string. */
    String content;
    /** {@code choices[0].finish_reason}, when a string. */
    String finishReason;
    /** Whether {@code usage} is an object; then its two counts, 0 where not numbers. */
    boolean hasUsage;
    long promptTokens;
    long completionTokens;
    /** Whether the chunk has an {@code error} member, of any type. */
    boolean hasError;

    private OpenAiChunk() {
    }

    /**
     * Reads one chunk's data.
     *
     * @throws dev.duplex.error.DuplexException {@code upstream_bad_chunk} when it is not a JSON object
     */
    static OpenAiChunk read(String data) {
        try (JsonParser parser = PARSERS.createParser(new StringReader(data))) {
            if (parser.next() != Event.START_OBJECT) {
                throw ProviderJson.badChunk(data, null);
            }
            OpenAiChunk chunk = new OpenAiChunk();
            chunk.top(parser);
            return chunk;
        } catch (JsonException | IllegalStateException | NoSuchElementException | NumberFormatException
                 | UnsupportedOperationException e) {
            throw ProviderJson.badChunk(data, e);
        }
    }

    private void top(JsonParser parser) {
        for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
            String name = parser.getString();
            Event value = parser.next();
            switch (name) {
                case "choices" -> choices(parser, value);
                case "usage" -> usage(parser, value);
                case "error" -> {
                    hasError = true;
                    skip(parser, value);
                }
                default -> skip(parser, value);
            }
        }
    }

    private void choices(JsonParser parser, Event value) {
        content = null;
        finishReason = null;
        if (value != Event.START_ARRAY) {
            skip(parser, value);
            return;
        }
        Event first = parser.next();
        if (first == Event.END_ARRAY) {
            return;
        }
        if (first == Event.START_OBJECT) {
            choice(parser);
        } else {
            skip(parser, first);
        }
        for (Event rest = parser.next(); rest != Event.END_ARRAY; rest = parser.next()) {
            skip(parser, rest);
        }
    }

    private void choice(JsonParser parser) {
        for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
            String name = parser.getString();
            Event value = parser.next();
            switch (name) {
                case "delta" -> delta(parser, value);
                case "finish_reason" -> finishReason = string(parser, value);
                default -> skip(parser, value);
            }
        }
    }

    private void delta(JsonParser parser, Event value) {
        content = null;
        if (value != Event.START_OBJECT) {
            skip(parser, value);
            return;
        }
        for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
            String name = parser.getString();
            Event member = parser.next();
            if (name.equals("content")) {
                content = string(parser, member);
            } else {
                skip(parser, member);
            }
        }
    }

    private void usage(JsonParser parser, Event value) {
        hasUsage = value == Event.START_OBJECT;
        promptTokens = 0;
        completionTokens = 0;
        if (!hasUsage) {
            skip(parser, value);
            return;
        }
        for (Event event = parser.next(); event != Event.END_OBJECT; event = parser.next()) {
            String name = parser.getString();
            Event member = parser.next();
            switch (name) {
                case "prompt_tokens" -> promptTokens = number(parser, member);
                case "completion_tokens" -> completionTokens = number(parser, member);
                default -> skip(parser, member);
            }
        }
    }

    private static String string(JsonParser parser, Event value) {
        if (value == Event.VALUE_STRING) {
            return parser.getString();
        }
        skip(parser, value);
        return null;
    }

    private static long number(JsonParser parser, Event value) {
        if (value == Event.VALUE_NUMBER) {
            return parser.getLong();
        }
        skip(parser, value);
        return 0;
    }

    /**
     * Moves past the value that {@code value} began: a whole object or array, or nothing for a scalar. Event by
     * event rather than with {@link JsonParser#skipObject()}, which in Parsson counts brackets without checking the
     * grammar between them: a malformed chunk stays {@code upstream_bad_chunk} wherever its fault is.
     */
    private static void skip(JsonParser parser, Event value) {
        if (value != Event.START_OBJECT && value != Event.START_ARRAY) {
            checkNumber(parser, value);
            return;
        }
        for (int depth = 1; depth > 0; ) {
            Event event = parser.next();
            if (event == Event.START_OBJECT || event == Event.START_ARRAY) {
                depth++;
            } else if (event == Event.END_OBJECT || event == Event.END_ARRAY) {
                depth--;
            } else {
                checkNumber(parser, event);
            }
        }
    }

    /**
     * A skipped number must be one the object model can build, or the chunk is bad as it would be there: Parsson
     * refuses a number of more than 1,100 characters ({@code UnsupportedOperationException}) and one whose exponent
     * does not fit an int ({@code NumberFormatException}) only when it builds its value. Both calls build it only
     * where the object model does: a number with a fraction or an exponent, or a whole number too long for a long.
     */
    private static void checkNumber(JsonParser parser, Event event) {
        if (event == Event.VALUE_NUMBER && parser.isIntegralNumber()) {
            parser.getLong();
        }
    }
}
