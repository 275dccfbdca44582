package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.concurrent.TimeUnit;

/**
 * Payara Micro with the built WAR at {@code /}, as a process of the test's own (for what Arquillian's container
 * cannot do: be killed and started again, or have its whole log read). Settings are system properties; the
 * Arquillian container's extra options (--nohazelcast, and the PostgreSQL set-up in that profile) apply too.
 */
final class PayaraProcess implements AutoCloseable {

    final int port;
    final Path log;
    private final Process process;

    private PayaraProcess(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts it and returns once it serves; a server that does not get there is killed. {@code microOptions} go to
     * Payara Micro after the others.
     */
    static PayaraProcess start(int port, String name, Map<String, String> settings, String... microOptions)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Path.of("target", name + ".log").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m",
                "-Djava.io.tmpdir=" + Path.of("target").toAbsolutePath()));
        if (!settings.containsKey("duplex.auth.mode")) {
            command.add("-Dduplex.auth.mode=anonymous"); // as Deployments: browsers are anonymous owners
        }
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        // a runtime directory of its own: Payara Micro deletes a temporary one while it stops, and the application
        // could then load no class to finish its answers
        Files.createDirectories(Path.of("target"));
        Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "payara-root-" + name + "-");
        command.addAll(List.of("-jar", System.getProperty("payara.microJar"), "--rootdir", root.toString(),
                "--port", Integer.toString(port),
                "--deploy", new File(System.getProperty("duplex.war")).getAbsolutePath(), "--contextroot", "/"));
        command.addAll(List.of(System.getProperty("duplex.micro.options", "--nohazelcast").split(" ")));
        command.addAll(List.of(microOptions));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/info")).build();
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        assertTrue(process.isAlive(), "Payara Micro exited; see " + log);
                        return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    });
        } catch (RuntimeException | AssertionError notReady) {
            process.destroyForcibly(); // this method owns the process until it returns it
            throw notReady;
        }
        return new PayaraProcess(port, log, process);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    URL url() throws IOException {
        return URI.create("http://localhost:" + port + "/").toURL();
    }

    String logText() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGTERM, as an operator's stop: Payara undeploys the application, then exits. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** SIGKILL: no clean stop, no @PreDestroy. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
