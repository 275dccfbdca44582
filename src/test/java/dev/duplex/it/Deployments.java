package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR as Maven built it, with a test configuration, and helpers to reach the deployed server. */
final class Deployments {

    private Deployments() {
    }

    static final String CONFIG = "WEB-INF/classes/META-INF/microprofile-config.properties";

    /**
     * The WAR with {@code config} added to its own configuration, and a database of its own (a new
     * {@code duplex.data-dir} under target/) unless {@code config} names one. A generation nobody watches is
     * cancelled after 2 s rather than the default 5 minutes, so a test that leaves one finds its upstream closed.
     * Browsers are anonymous (each its own owner) unless {@code config} sets {@code duplex.auth.mode}.
     */
    static WebArchive duplex(Map<String, String> config) {
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("duplex.war")));
        String own;
        try (var in = war.get(CONFIG).getAsset().openStream()) {
            own = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> all = new java.util.LinkedHashMap<>();
        all.put("duplex.data-dir", dataDir().toString());
        all.put("duplex.resume.grace-ms", "2000");
        all.put("duplex.auth.mode", "anonymous");
        all.putAll(config);
        String properties = own + "\n" + all.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n"));
        war.delete(CONFIG);
        return war.addAsWebInfResource(new StringAsset(properties), "classes/META-INF/microprofile-config.properties");
    }

    /** A new, empty directory for one deployment's database. */
    static java.nio.file.Path dataDir() {
        try {
            java.nio.file.Path base = java.nio.file.Path.of("target", "it-data").toAbsolutePath();
            java.nio.file.Files.createDirectories(base);
            return Files.createTempDirectory(base, "duplex-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The deployed application's base, on localhost (Arquillian may report the machine's own address). */
    static URI base(URL deployed) {
        return URI.create("http://localhost:" + deployed.getPort() + path(deployed));
    }

    static URI chat(URL deployed) {
        return URI.create("ws://localhost:" + deployed.getPort() + path(deployed) + "ws/chat");
    }

    /**
     * The deployment's context path, with its last slash. Arquillian's Payara Micro container once injected the
     * server's bare address (its log showed no servlet found: it had read nothing of Payara Micro's servlet
     * mappings, though Payara Micro printed them), and every test of that class failed on a URI without a path.
     * Payara Micro deploys an archive at its name without {@code .war}, so the context root is then taken from the
     * deployed archive's name ({@link #contextRoot}).
     */
    static String path(URL deployed) {
        String path = deployed.getPath();
        if (path.isEmpty()) { // not "/": a server that has Duplex at its root (PayaraProcess) reports that
            String root = contextRoot(Path.of(System.getProperty("duplex.war")));
            System.out.println("Arquillian reported " + deployed + " without the deployment's context root: using "
                    + root);
            return root;
        }
        return path;
    }

    /** The context root, with both slashes, that Payara Micro gives the archive {@code war}: its name without .war. */
    static String contextRoot(Path war) {
        String name = war.getFileName().toString();
        return "/" + (name.endsWith(".war") ? name.substring(0, name.length() - 4) : name) + "/";
    }

    /**
     * After a test on the Payara Micro that Arquillian runs: no upstream stream still open (as the upstream sees
     * it, when there is one), no exchange held by Duplex, no session left, within a few seconds; and nothing
     * logged as SEVERE by those Payara Micro instances since the last check (see {@link #assertNoSevereLogged}).
     */
    static void assertNothingLeftRunning(URL deployed, FakeUpstream upstream) {
        assertNothingLeftRunning(metrics(deployed), upstream);
        assertNoSevereLogged();
    }

    /**
     * No SEVERE record in the log file the build gives the Payara Micro instances Arquillian starts
     * ({@code --logtofile}, named by the {@code duplex.micro.log} property; one file for the whole suite, appended
     * to by each instance; what an instance logs while Arquillian stops it does not reach the file) since the last
     * check: a SEVERE fails the test during which it was logged, not every test after it. Payara's log formats name
     * the level differently ("SEVERE", "ERROR"); its value, 1000, is in every record.
     *
     * <p>One kind is printed but not failed on: Grizzly's and Catalina's own failure in handling a request
     * ({@code AS-WEB-CORE-00037}, "An exception or error occurred in the container during the request processing")
     * with no frame of Duplex's in it. Seen so far, each with a null where the request's connection or mapping
     * should be, as for a request whose client had gone: "Cannot call sendError() after the response has been
     * committed" followed by Grizzly's null attribute storage (a CI run's AccountsIT), a null context path in
     * {@code RealmAdapter.getResourceName} (AccountsIT; also logged first by the security realm itself, as
     * {@code web_server.excep_authenticate_realmadapter}, when a page's fetch was cut by the browser leaving the
     * page), and a null connection in {@code HttpCodecUtils.parseHost} (a client that dropped its connection in
     * the middle of a WebSocket frame; on Payara Server, a WebSocket closed as the domain stopped, in a CI run's
     * PayaraServerIT).
     */
    static void assertNoSevereLogged() {
        String name = System.getProperty("duplex.micro.log");
        if (name == null) {
            return;
        }
        Path log = Path.of(name);
        // Payara writes to the name with ".0" added (java.util.logging's file pattern), beside a ".lck"
        String prefix = log.getFileName().toString();
        try (Stream<Path> files = Files.list(log.getParent())) {
            List<Path> written = files.filter(file -> file.getFileName().toString().startsWith(prefix)
                    && !file.toString().endsWith(".lck")).toList();
            assertFalse(written.isEmpty(), "Payara Micro's log " + log + "* not found");
            List<String> severe = new ArrayList<>();
            for (Path file : written) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                int from = Math.min(CHECKED_LINES.getOrDefault(file, 0), lines.size());
                CHECKED_LINES.put(file, lines.size());
                severe.addAll(severeRecords(lines.subList(from, lines.size())));
            }
            assertEquals(List.of(), severe, "SEVERE in Payara Micro's log " + log + "*");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The SEVERE records of a Payara log's {@code lines}, each as its first lines, but the container's own dropped
     * requests, which are printed ({@link #assertNoSevereLogged}). For Payara Server, which names SEVERE "ERROR",
     * as well: the level's value is the same in every format.
     */
    static List<String> severeRecords(List<String> lines) {
        List<String> severe = new ArrayList<>();
        for (String record : records(lines)) {
            if (!record.contains("levelValue: 1000")) {
                continue;
            }
            if (isContainerDroppedRequest(record)) {
                System.out.println("Payara's own AS-WEB-CORE-00037, no frame of Duplex's in it, not failed on: "
                        + record.lines().limit(3).toList());
            } else {
                severe.add(record.lines().limit(4).collect(Collectors.joining(" / ")));
            }
        }
        return severe;
    }

    /** Lines of each log file already checked by {@link #assertNoSevereLogged}. */
    private static final Map<Path, Integer> CHECKED_LINES = new ConcurrentHashMap<>();

    /** Log records: each begins with a line "[2026-...". */
    static List<String> records(List<String> lines) {
        List<String> records = new ArrayList<>();
        StringBuilder record = new StringBuilder();
        for (String line : lines) {
            if (line.startsWith("[") && line.length() > 5 && Character.isDigit(line.charAt(1)) && record.length() > 0) {
                records.add(record.toString());
                record.setLength(0);
            }
            record.append(line).append('\n');
        }
        if (record.length() > 0) {
            records.add(record.toString());
        }
        return records;
    }

    static boolean isContainerDroppedRequest(String record) {
        boolean dropped = record.contains("[AS-WEB-CORE-00037]")
                && record.contains("An exception or error occurred in the container during the request processing")
                // the same request's first record, from the security realm: its context path was already gone
                || record.contains("web_server.excep_authenticate_realmadapter")
                && record.contains("\"contextPath\" is null");
        return dropped && !record.contains("dev.duplex.");
    }

    /**
     * The gauges' part of {@link #assertNothingLeftRunning(URL, FakeUpstream)}, read from {@code metrics}: for the
     * servers the tests run themselves (Payara Server, WildFly), whose logs they check on their own.
     */
    static void assertNothingLeftRunning(URI metrics, FakeUpstream upstream) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            if (upstream != null) {
                assertEquals(0, upstream.openStreams(), "upstream streams still open");
            }
            assertEquals(0, gauge(metrics, "duplex_upstream_exchanges_open"), "exchanges open");
            assertEquals(0, gauge(metrics, "duplex_sessions_open"), "sessions open");
            assertEquals(0, gauge(metrics, "duplex_generations_running"), "generations running");
            assertEquals(0, gauge(metrics, "duplex_upstream_generations_running"), "generations not ended upstream");
        });
    }

    /** A gauge from the container's MicroProfile Metrics endpoint ({@code /metrics}, Prometheus format). */
    static long gauge(URL deployed, String name) {
        return gauge(metrics(deployed), name);
    }

    /**
     * {@code answer} (a stored message) was cut by the server's stop or undeploy: saved as interrupted with its text
     * so far, which starts with {@code textStart}, and the {@code shutting_down} error.
     */
    /** An RFC 9457 problem of Duplex's: its status, media type, code and type. */
    static void assertProblem(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("content-type").orElse(""));
        JsonObject problem = (JsonObject) Browser.parse(response.body());
        assertEquals(code, problem.getString("code"), response.body());
        assertEquals("urn:duplex:problem:" + code, problem.getString("type"));
    }

    static void assertSavedInterrupted(JsonObject answer, String textStart) {
        assertEquals("interrupted", answer.getString("status"), answer.toString());
        assertTrue(answer.getString("content").startsWith(textStart), answer.toString());
        assertEquals("shutting_down", answer.getJsonObject("error").getString("code"));
    }

    /**
     * The usage record of {@code generation} (logger {@code dev.duplex.usage}), awaited in {@code usageLog}, every line
     * of which must be a JSON object; it must be in none of {@code others} (the server's general logs).
     */
    static JsonObject usageRecordOnlyIn(Path usageLog, String generation, Path... others) throws IOException {
        JsonObject record = await().atMost(Duration.ofSeconds(5)).until(() -> usageRecord(usageLog, generation),
                Objects::nonNull);
        for (Path other : others) {
            assertTrue(Files.readAllLines(other).stream()
                            .noneMatch(line -> line.contains(generation) && line.contains("requested_model")),
                    "the usage record of " + generation + " is in " + other + " too");
        }
        return record;
    }

    private static JsonObject usageRecord(Path file, String generation) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        JsonObject found = null;
        for (String line : Files.readAllLines(file)) {
            JsonObject record = Json.createReader(new StringReader(line)).readObject();
            if (record.getString("id").equals(generation)) {
                found = record;
            }
        }
        return found;
    }

    /** Duplex's {@code duplex-database} check in a MicroProfile Health answer ({@code /health/ready}). */
    static JsonObject databaseCheck(String health) {
        return ((JsonObject) Browser.parse(health)).getJsonArray("checks").stream().map(JsonObject.class::cast)
                .filter(check -> check.getString("name").equals("duplex-database"))
                .findFirst().orElseThrow(() -> new AssertionError("no duplex-database check: " + health));
    }

    /** The application's metrics on the server of {@code deployed} (MicroProfile Metrics). */
    static URI metrics(URL deployed) {
        return URI.create("http://localhost:" + deployed.getPort() + "/metrics?scope=application");
    }

    /** A gauge from the Prometheus text at {@code metrics}. */
    static long gauge(URI metrics, String name) {
        try {
            String body = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.lines()
                    .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                    .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .mapToLong(value -> (long) Double.parseDouble(value))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no metric " + name + " in " + body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
