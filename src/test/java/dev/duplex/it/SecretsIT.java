package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The provider's API key appears nowhere but in the request to the provider: not in the server's whole log of a
 * run where the provider refuses the key and echoes it back, nor in any frame, REST answer, metric or health
 * check. Runs Payara Micro as a process of its own so that its entire log can be read.
 */
class SecretsIT extends WithServerProcess {

    static final String KEY = "sk-proj-SECRET-4f1c2b9a7e6d";

    @Test
    void theKeyIsInNoLogLineFrameOrResponse() throws Exception {
        upstream.on("bad key", exchange -> exchange.respond(401, "application/json",
                "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ".\",\"type\":"
                        + "\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        upstream.on("works", OpenAiSse.tokens(List.of("fine"), 0));
        Path usageLog = Path.of("target", "secrets-usage0.log").toAbsolutePath();
        Files.deleteIfExists(usageLog);
        server = PayaraProcess.start(PayaraProcess.freePort(), "secrets", Map.of(
                "duplex.upstream.base-url", upstream.baseUrl(),
                "duplex.upstream.api-key", KEY,
                "duplex.upstream.model", "gpt-test",
                "duplex.data-dir", dataDir.toString()), "--logProperties", usageLogProperties(usageLog).toString());
        Browser browser = new Browser(server.url());
        StringBuilder seen = new StringBuilder();
        String works;
        try (WsClient client = browser.connect()) {
            client.send("{\"content\":\"bad key, please\"}");
            String conversation = client.next("start").getString("conversation_id");
            List<JsonObject> frames = client.untilTerminal();
            JsonObject error = frames.get(frames.size() - 1);
            assertEquals("upstream_auth_failed", error.getString("code"));
            frames.forEach(frame -> seen.append(frame).append('\n'));
            client.send("{\"content\":\"works now\",\"conversation_id\":\"" + conversation + "\"}");
            works = client.next("start").getString("id");
            client.untilTerminal().forEach(frame -> seen.append(frame).append('\n'));
            seen.append(browser.get("conversations/" + conversation).body());
            seen.append(browser.get("conversations/" + conversation + "/export?format=md").body());
        }
        assertEquals("Bearer " + KEY, upstream.last("works").headers.get("authorization"), "the provider got it");

        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("api/models", "api/usage", "api/info", "metrics", "health")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.port + "/" + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            seen.append(response.body());
        }
        assertTrue(seen.indexOf("[redacted]") >= 0, "the provider's echo was seen, scrubbed");
        assertFalse(seen.toString().contains(KEY), "the key was served: " + seen);
        assertFalse(seen.toString().contains("SECRET-4f1c"), "part of the key was served");

        String log = server.logText();
        assertTrue(log.contains("upstream_auth_failed") || log.contains("401"), "the failure was logged");
        assertFalse(log.contains(KEY), "the key is in the server log");
        assertFalse(log.contains("SECRET-4f1c"), "part of the key is in the server log");

        // the usage record in a file of its own, as docs/operations.md tells Payara Micro's operators to do it
        JsonObject record = Deployments.usageRecordOnlyIn(usageLog, works, server.log);
        assertEquals("stop", record.getString("outcome"), record.toString());
        assertFalse(Files.readString(usageLog).contains("SECRET-4f1c"), "part of the key is in the usage record");
    }

    /**
     * Payara Micro's own logging configuration (in its jar) with server-config/payara/usage-log.properties at its
     * end, and the file's pattern made absolute (Payara Micro takes a relative one from its working directory).
     */
    private static Path usageLogProperties(Path usageLog) throws IOException {
        StringBuilder properties = new StringBuilder();
        try (ZipFile micro = new ZipFile(System.getProperty("payara.microJar"))) {
            properties.append(new String(micro.getInputStream(micro.getEntry("MICRO-INF/domain/logging.properties"))
                    .readAllBytes(), StandardCharsets.ISO_8859_1));
        }
        properties.append('\n').append(Files.readString(Path.of("server-config", "payara", "usage-log.properties")))
                .append("java.util.logging.FileHandler.pattern=")
                .append(usageLog.resolveSibling("secrets-usage%g.log")).append('\n');
        Path file = Path.of("target", "secrets-logging.properties").toAbsolutePath();
        Files.writeString(file, properties, StandardCharsets.ISO_8859_1);
        return file;
    }
}
