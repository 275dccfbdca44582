package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.CookieHandler;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * nginx ending TLS in front of a server, with the shipped {@code server-config/nginx/duplex.conf} (its port, its
 * certificate and the server's address replaced), as a process of the test's own; a certificate for localhost made
 * with openssl for it. Closing it stops nginx and waits for its workers.
 */
final class Nginx implements AutoCloseable {

    static final Path SHIPPED = Path.of("server-config", "nginx", "duplex.conf");

    final int port;
    private final Path directory;
    private final Process process;

    private Nginx(int port, Path directory, Process process) {
        this.port = port;
        this.directory = directory;
        this.process = process;
    }

    static Nginx start(int backendPort) throws IOException, InterruptedException {
        return start(backendPort, Map.of());
    }

    /** With {@code changes} made to the shipped site too (each text must be there): a proxy set up otherwise. */
    static Nginx start(int backendPort, Map<String, String> changes) throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "nginx-");
        AdminTool.run(directory, Map.of(), List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", "key.pem", "-out", "cert.pem", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost"));
        int port = PayaraProcess.freePort();
        String site = replaced(replaced(Files.readString(SHIPPED), changes), Map.of(
                "listen 443 ssl;", "listen 127.0.0.1:" + port + " ssl;",
                "/etc/ssl/certs/chat.example.com.pem", directory.resolve("cert.pem").toString(),
                "/etc/ssl/private/chat.example.com.key", directory.resolve("key.pem").toString(),
                "proxy_pass http://127.0.0.1:8080;", "proxy_pass http://127.0.0.1:" + backendPort + ";"));
        Files.writeString(directory.resolve("duplex.conf"), site);
        Files.writeString(directory.resolve("nginx.conf"), """
                worker_processes 1;
                pid nginx.pid;
                error_log error.log info;
                events { worker_connections 256; }
                http {
                    access_log access.log;
                    client_body_temp_path body;
                    proxy_temp_path proxy;
                    fastcgi_temp_path fastcgi;
                    uwsgi_temp_path uwsgi;
                    scgi_temp_path scgi;
                    include duplex.conf;
                }
                """);
        Process process;
        try {
            process = new ProcessBuilder("nginx", "-p", directory + "/", "-c", "nginx.conf", "-e", "error.log",
                    "-g", "daemon off;").redirectErrorStream(true)
                    .redirectOutput(directory.resolve("nginx.out").toFile()).start();
        } catch (IOException e) {
            throw new IOException("nginx is not installed (.ci/run installs nginx-light)", e);
        }
        Nginx nginx = new Nginx(port, directory, process);
        try {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                        assertTrue(process.isAlive(), "nginx exited: " + nginx.log());
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                            return true;
                        }
                    });
        } catch (RuntimeException | AssertionError notReady) {
            nginx.close();
            throw notReady;
        }
        return nginx;
    }

    /** {@code text} with each key replaced by its value; each must be there (the shipped file changed?). */
    private static String replaced(String text, Map<String, String> replacements) {
        String result = text;
        for (Map.Entry<String, String> replacement : replacements.entrySet()) {
            assertTrue(result.contains(replacement.getKey()), SHIPPED + " no longer has " + replacement.getKey());
            result = result.replace(replacement.getKey(), replacement.getValue());
        }
        return result;
    }

    /** A client that trusts this nginx's certificate and nothing else, with {@code cookies} if not null. */
    HttpClient client(CookieHandler cookies) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(directory.resolve("cert.pem"))) {
            trusted.setCertificateEntry("nginx", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpClient.Builder builder = HttpClient.newBuilder().sslContext(tls);
        if (cookies != null) {
            builder.cookieHandler(cookies);
        }
        return builder.build();
    }

    /** What nginx printed and logged so far. */
    String log() throws IOException {
        StringBuilder log = new StringBuilder();
        for (String name : List.of("nginx.out", "error.log")) {
            Path file = directory.resolve(name);
            if (Files.exists(file)) {
                log.append(Files.readString(file));
            }
        }
        return log.toString();
    }

    /** SIGTERM (nginx's fast shutdown), then waits for the master and its workers to exit. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> all = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle worker : all) {
            worker.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
            assertFalse(worker.isAlive(), "nginx's worker " + worker.pid() + " still runs");
        }
    }
}
