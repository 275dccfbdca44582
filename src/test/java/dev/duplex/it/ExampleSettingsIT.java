package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The example settings in {@code server-config}, given to Payara Micro as its operators would
 * ({@code --postbootcommandfile}, {@code --systemProperties}), unedited: every setting they make is what Duplex
 * then serves.
 */
class ExampleSettingsIT extends WithServerProcess {

    @Test
    void providersAsadminGivesThreeProvidersAndTheirModels() throws Exception {
        Map<String, JsonObject> models = startWith("providers.asadmin");
        assertEquals(List.of("claude-sonnet", "gpt-4o-mini", "llama3.2"), List.copyOf(models.keySet()));

        JsonObject claude = models.get("claude-sonnet");
        assertEquals("Claude Sonnet", claude.getString("display_name"), "a value with a space, whole");
        assertEquals("claude", claude.getString("provider"));
        assertEquals("anthropic", claude.getString("provider_kind"));
        assertEquals(8192, claude.getInt("max_output_tokens"));
        assertEquals(new BigDecimal("3"), claude.getJsonNumber("price_input").bigDecimalValue());
        assertEquals(new BigDecimal("15"), claude.getJsonNumber("price_output").bigDecimalValue());
        assertEquals(List.of("gpt-4o-mini"), strings(claude.getJsonArray("fallback")));

        JsonObject mini = models.get("gpt-4o-mini");
        assertEquals("openai", mini.getString("provider_kind"));
        assertEquals(new BigDecimal("0.15"), mini.getJsonNumber("price_input").bigDecimalValue());
        assertEquals(new BigDecimal("0.60"), mini.getJsonNumber("price_output").bigDecimalValue());
        assertTrue(mini.getBoolean("default"));

        assertEquals("ollama", models.get("llama3.2").getString("provider_kind"));
    }

    @Test
    void postBootCommandsAsadminGivesItsUpstreamAndNoDemo() throws Exception {
        Map<String, JsonObject> models = startWith("post-boot-commands.asadmin");
        assertEquals(List.of("gpt-4o", "gpt-4o-mini"), List.copyOf(models.keySet()));
        models.values().forEach(model -> assertEquals("openai", model.getString("provider_kind"), model.toString()));
        assertEquals(65536, json("/api/info").getInt("max_frame_bytes"));
    }

    @Test
    void thePropertiesExampleGivesFiveModelsOnFiveProviders() throws Exception {
        Map<String, JsonObject> models = startWith("--systemProperties",
                Path.of("server-config", "duplex.properties.example"));
        assertEquals(List.of("claude-sonnet", "gemini-2.5-flash", "gpt-4o", "gpt-4o-mini", "llama3.2"),
                List.copyOf(models.keySet()));
        assertEquals("Llama 3.2 (on-premise)", models.get("llama3.2").getString("display_name"));
        assertEquals("gemini", models.get("gemini-2.5-flash").getString("provider_kind"));
        assertEquals(List.of("gpt-4o-mini"), strings(models.get("gemini-2.5-flash").getJsonArray("fallback")));
        assertEquals(200000, models.get("claude-sonnet").getInt("context_window"));
        assertEquals("GPT-4o mini", models.get("gpt-4o-mini").getString("display_name"));
        assertEquals("upstream", models.get("gpt-4o").getString("provider"), "duplex.upstream.models' other model");
    }

    /**
     * api-key.asadmin's directory of secret files, at a directory of the test's instead of {@code /run/secrets}: a
     * file named after the key, as a mounted secret or {@code echo sk-... > duplex.upstream.api-key} leaves it.
     */
    @Test
    void apiKeyAsadminReadsTheKeyFromASecretFile() throws Exception {
        String key = "sk-proj-from-a-secret-file";
        Path secrets = Files.createDirectories(dataDir.resolve("secrets"));
        Files.writeString(secrets.resolve("duplex.upstream.api-key"), key + "\n");
        Path asadmin = dataDir.resolve("api-key.asadmin");
        String shipped = Files.readString(Path.of("server-config", "payara", "api-key.asadmin"));
        assertTrue(shipped.contains("--directory=/run/secrets"), shipped);
        Files.writeString(asadmin, shipped.replace("/run/secrets", secrets.toString()));
        upstream.on("Which key?", OpenAiSse.tokens(List.of("That one."), 0));
        server = PayaraProcess.start(PayaraProcess.freePort(), "example-api-key", Map.of(
                "duplex.data-dir", dataDir.toString(),
                "duplex.upstream.base-url", upstream.baseUrl(),
                "duplex.upstream.model", "gpt-test"), "--postbootcommandfile", asadmin.toString());
        try (WsClient client = new Browser(server.url()).connect()) {
            client.send("{\"content\":\"Which key?\"}");
            assertEquals("That one.", WsClient.text(client.untilTerminal()));
        }
        assertEquals("Bearer " + key, upstream.last("Which key?").headers.get("authorization"));
        Deployments.assertNothingLeftRunning(Deployments.metrics(server.url()), upstream);
    }

    /**
     * Payara Micro started with {@code file}; what every example sets alike (the default model, no demo model and
     * no demo endpoint) checked; the catalogue's models by id.
     */
    private Map<String, JsonObject> startWith(String file) throws Exception {
        return startWith("--postbootcommandfile", Path.of("server-config", "payara", file));
    }

    private Map<String, JsonObject> startWith(String option, Path file) throws Exception {
        server = PayaraProcess.start(PayaraProcess.freePort(), "example-" + file.getFileName(),
                Map.of("duplex.data-dir", dataDir.toString()), option, file.toAbsolutePath().toString());
        JsonObject catalogue = json("/api/models");
        assertEquals("gpt-4o-mini", catalogue.getString("default_model"));
        assertFalse(catalogue.getBoolean("demo"));
        assertEquals(404, get("/demo/v1/chat/completions").statusCode(), "the demo endpoint is gone");
        return byId(catalogue.getJsonArray("models"));
    }

    private JsonObject json(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return (JsonObject) Browser.parse(response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The catalogue's models by id, in id order. */
    private static Map<String, JsonObject> byId(JsonArray models) {
        return models.stream().map(model -> (JsonObject) model).collect(Collectors.toMap(
                model -> model.getString("id"), model -> model, (a, b) -> a, TreeMap::new));
    }

    private static List<String> strings(JsonArray array) {
        return array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
