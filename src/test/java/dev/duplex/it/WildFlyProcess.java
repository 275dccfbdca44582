package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * WildFly (the full server pom.xml unpacks, {@code wildfly.version}) in its standalone-microprofile configuration,
 * as a process of the test's own, set up the way docs/operations.md tells an operator to: the CLI scripts of
 * {@code server-config/wildfly} applied to the running server, then the built WAR deployed at {@code /duplex}.
 * Its configuration, data, logs and temporary files are in a folder of its own under {@code target/}; Duplex's
 * settings are system properties, which outrank the scripts' config source.
 */
final class WildFlyProcess implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(120);

    final int httpPort;
    final int managementPort;
    final Path log;
    /** The server's own log folder ({@code jboss.server.log.dir}): server.log, and the files of other handlers. */
    final Path logDir;
    private final Path home;
    private final ProcessBuilder command;
    private Process process;

    private WildFlyProcess(Path home, int httpPort, int managementPort, Path log, Path logDir,
                           ProcessBuilder command) {
        this.home = home;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.log = log;
        this.logDir = logDir;
        this.command = command;
    }

    /** Starts the server and returns once its management interface answers; a server that does not is killed. */
    static WildFlyProcess start(String name, Map<String, String> settings) throws IOException {
        Path home = Path.of(System.getProperty("wildfly.home")).toAbsolutePath();
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Path base = Files.createTempDirectory(target, "wildfly-" + name + "-");
        copyFolder(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Files.createDirectories(base.resolve("deployments"));
        int http = PayaraProcess.freePort();
        int management = PayaraProcess.freePort();
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/standalone.sh").toString(),
                "-c", "standalone-microprofile.xml",
                "-Djboss.server.base.dir=" + base,
                "-Djboss.http.port=" + http,
                "-Djboss.https.port=" + PayaraProcess.freePort(),
                "-Djboss.ajp.port=" + PayaraProcess.freePort(),
                "-Djboss.management.http.port=" + management,
                "-Djboss.management.https.port=" + PayaraProcess.freePort()));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        Path log = target.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(base.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // standalone.conf's defaults, plus the temporary folder under target/
        builder.environment().put("JAVA_OPTS", "-Xms64m -Xmx512m -Djava.net.preferIPv4Stack=true"
                + " -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true -Djava.io.tmpdir=" + base);
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "true"); // the script passes SIGTERM on to java
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        WildFlyProcess server = new WildFlyProcess(home, http, management, log, base.resolve("log"), builder);
        server.launch();
        return server;
    }

    /**
     * Starts the stopped server again, with its configuration, data and deployments as they were, and returns once
     * Duplex serves.
     */
    void restart() throws IOException {
        command.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        launch();
        awaitDuplex();
    }

    private void launch() throws IOException {
        process = command.start();
        try {
            awaitRunning();
        } catch (RuntimeException | AssertionError notRunning) {
            kill(); // the caller gets a running server or none
            throw notRunning;
        }
    }

    /** Runs a CLI script against the running server from {@code directory}, as an operator would. */
    void cli(Path script, Path directory) throws IOException, InterruptedException {
        run(directory, "--file=" + script.toAbsolutePath());
        awaitRunning(); // the scripts end with a reload
    }

    /**
     * Removes a module an earlier run's script added: {@code module add} writes into the unpacked server itself,
     * which outlives a run, and refuses a module that exists.
     */
    void removeModule(String name) throws IOException {
        Path module = home.resolve("modules").resolve(name.replace('.', '/'));
        if (Files.exists(module)) {
            try (Stream<Path> files = Files.walk(module)) {
                for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(file);
                }
            }
        }
    }

    /** Deploys the built WAR (at {@code /duplex}) and returns once it serves. */
    void deployDuplex() throws IOException, InterruptedException {
        run(Path.of("target"), "--command=deploy " + Path.of(System.getProperty("duplex.war")).toAbsolutePath());
        awaitDuplex();
    }

    /** Undeploys Duplex, as an operator replacing the WAR would; returns once WildFly has stopped it. */
    void undeployDuplex() throws IOException, InterruptedException {
        run(Path.of("target"), "--command=undeploy duplex.war");
    }

    private void awaitDuplex() {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest models = HttpRequest.newBuilder(URI.create(url() + "api/info")).build();
        await().atMost(START).pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> http.send(models, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    URL url() {
        try {
            return URI.create("http://localhost:" + httpPort + "/duplex/").toURL();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A path of the management interface ({@code /health/ready}...). */
    URI management(String path) {
        return URI.create("http://localhost:" + managementPort + path);
    }

    /** The server's JVM (the start script's child). */
    ProcessHandle jvm() {
        return process.descendants()
                .filter(child -> child.info().command().orElse("").endsWith("/java"))
                .findFirst().orElseThrow(() -> new AssertionError("no JVM under WildFly's start script"));
    }

    String logText() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGTERM, as an operator's stop (the script passes it on): WildFly undeploys, then exits. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
            throw new AssertionError("WildFly did not stop within 60 s of SIGTERM; see " + log);
        }
        return process.exitValue();
    }

    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private void awaitRunning() {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest state = HttpRequest.newBuilder(management("/health/live")).build();
        await().atMost(START).pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> {
                    assertTrue(process.isAlive(), "WildFly exited; see " + log);
                    return http.send(state, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
    }

    private void run(Path directory, String what) throws IOException, InterruptedException {
        AdminTool.run(directory, Map.of("JAVA_HOME", System.getProperty("java.home")),
                List.of(home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                        "--controller=localhost:" + managementPort, what));
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
