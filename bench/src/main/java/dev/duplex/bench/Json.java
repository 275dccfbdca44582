package dev.duplex.bench;

import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import java.io.StringReader;
import java.util.Map;

/** One JSON reader factory for the whole client (looking up the provider per parse would dominate). */
final class Json {

    private static final JsonReaderFactory READERS = jakarta.json.Json.createReaderFactory(Map.of());

    private Json() {
    }

    static JsonObject parse(String text) {
        try (var reader = READERS.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    static String quote(String text) {
        return jakarta.json.Json.createValue(text).toString();
    }
}
