package dev.duplex.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.duplex.error.DuplexException;
import dev.duplex.provider.ChatMessage;
import dev.duplex.provider.ModelEntry;
import dev.duplex.provider.Provider;
import dev.duplex.provider.ProviderKind;
import dev.duplex.provider.Usage;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Attempts against a real HTTP server on the loopback interface, through the JDK's client as Duplex builds it. */
class AttemptTest {

    static {
        // the JDK's server writes a response's head and body separately: without this, Nagle's algorithm and the
        // client's delayed acknowledgement hold each body for 40 ms (read once, by the first server of this JVM)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /**
     * An answer's last token and its finish chunk in one write, the body ended without {@code [DONE]}: with it,
     * the attempt would decide its outcome before the body's end, and a stop after that would abort nothing.
     */
    private static final String ANSWER = """
            data: {"choices":[{"delta":{"content":"ok"}}]}

            data: {"choices":[{"delta":{},"finish_reason":"stop"}]}

            """;

    private final Set<Attempt> open = ConcurrentHashMap.newKeySet();
    private final UnfinishedExchanges unfinished = new UnfinishedExchanges();
    private HttpServer server;
    private ExecutorService serverThreads;
    private ExecutorService clientThreads;
    private ScheduledExecutorService timer;
    private HttpClient client;
    private Set<String> selectorsBefore;

    @BeforeEach
    void startServerAndClient() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        serverThreads = Executors.newFixedThreadPool(4);
        server.setExecutor(serverThreads);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("content-type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(ANSWER.getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        clientThreads = Executors.newFixedThreadPool(4);
        timer = Executors.newSingleThreadScheduledExecutor();
        selectorsBefore = selectorThreads();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads).build();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(0);
        serverThreads.shutdownNow();
        clientThreads.shutdownNow();
        timer.shutdownNow();
        assertTrue(serverThreads.awaitTermination(5, TimeUnit.SECONDS));
        assertTrue(clientThreads.awaitTermination(5, TimeUnit.SECONDS));
        assertTrue(timer.awaitTermination(5, TimeUnit.SECONDS));
    }

    /**
     * A stop that comes after the provider's answer has been read whole (its connection back in the client's
     * pool, and perhaps already taken by the next request) but before the attempt has seen its exchange end must
     * not close that connection: the next answer's request would fail. Before the fix, 1 round in 5 or so failed
     * the second attempt with "HTTP/1.1 header parser received no bytes" (upstream_unreachable to its user).
     * With that fix alone, about one round in a thousand still did: the JDK's own cancel reads the exchange's
     * connection before it goes back to the pool and closes it after. So the attempt whose connection ends before
     * any byte of the response sends its request once more (the next test; docs/benchmarks.md, finding 102).
     * Every attempt closes, also when the JDK's client never completes its exchange's future, and the server's
     * stop completes those, so that the client's selector thread ends once the client is dropped.
     */
    @Test
    void aStopAfterTheBodyWasReadNeverBreaksTheRequestThatTookItsConnection() throws Exception {
        int rounds = 200;
        int stoppedBeforeTheirEnd = 0;
        for (int round = 0; round < rounds; round++) {
            Recording stopped = new Recording();
            Attempt first = attempt(stopped);
            first.start(client);
            assertTrue(stopped.token.await(5, TimeUnit.SECONDS), "round " + round + ": the first answer's token");
            Recording next = new Recording();
            attempt(next).start(client);
            long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(round % 7 * 20L);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            if (first.cancel()) {
                stoppedBeforeTheirEnd++;
            }
            String outcome = next.outcome.get(5, TimeUnit.SECONDS);
            assertEquals("end stop ok", outcome, "round " + round + ": the request after a stopped answer");
            stopped.outcome.get(5, TimeUnit.SECONDS);
        }
        // the rounds must have stopped answers inside the window, or they showed nothing
        assertTrue(stoppedBeforeTheirEnd > rounds / 10, stoppedBeforeTheirEnd + " of " + rounds + " stopped in time");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(Set.of(), open, "every attempt closed");
        // what the server's stop does: an exchange the JDK's client left unfinished (its stop met its body's end;
        // one round in a hundred or so) completes when cancelled with interruption, no other request using its
        // connection by then; an unfinished one would keep the client's selector thread once the client is dropped
        System.out.println(unfinished.size() + " exchanges the JDK's client left unfinished");
        unfinished.cancelAll(open);
        assertEquals(0, unfinished.size(), "exchanges still unfinished after the stop's cancel");
        client = null; // as an undeploy drops it
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!newSelectorThreads().isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
        assertEquals(Set.of(), newSelectorThreads(), "the dropped client's selector thread ended");
    }

    /**
     * A connection that ends before the response's first byte (the JDK's "header parser received no bytes", what
     * the rare round of the test above met) gets the request once more, at once, on a new connection; a second
     * one that does the same is the attempt's error. The server is a plain socket: it reads each request, then
     * closes without an answer or answers, as told.
     */
    @Test
    void aConnectionThatEndsBeforeTheResponseGetsTheRequestOnceMore() throws Exception {
        try (ScriptedServer closesFirst = new ScriptedServer(1)) {
            Recording answered = new Recording();
            attempt(answered, closesFirst.port()).start(client);
            assertEquals("end stop ok", answered.outcome.get(5, TimeUnit.SECONDS));
            assertEquals(2, closesFirst.requests.get(), "the request, and once more");
        }
        try (ScriptedServer closesAll = new ScriptedServer(Integer.MAX_VALUE)) {
            Recording failed = new Recording();
            attempt(failed, closesAll.port()).start(client);
            String outcome = failed.outcome.get(5, TimeUnit.SECONDS);
            assertTrue(outcome.startsWith("error UPSTREAM_UNREACHABLE") && outcome.contains("no bytes"), outcome);
            assertEquals(2, closesAll.requests.get(), "once more, not again and again");
        }
        awaitAllClosed();
    }

    /** Reads requests on loopback; closes the first {@code unanswered} connections, answers the others with ANSWER. */
    private static final class ScriptedServer implements AutoCloseable {

        final AtomicInteger requests = new AtomicInteger();
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread acceptor;

        ScriptedServer(int unanswered) throws IOException {
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket connection = socket.accept()) {
                        readRequest(connection.getInputStream());
                        if (requests.incrementAndGet() > unanswered) {
                            byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
                            OutputStream out = connection.getOutputStream();
                            out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: "
                                    + body.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                            out.write(body);
                            out.flush();
                        }
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "scripted-server");
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        /** The head, then as many bytes as its content-length says. */
        private static void readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("request head cut short");
                }
                head.append((char) b);
            }
            Matcher length = Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
        }

        @Override
        public void close() throws Exception {
            socket.close();
            acceptor.join(5000);
        }
    }

    private void awaitAllClosed() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(Set.of(), open, "every attempt closed");
    }

    private Set<String> newSelectorThreads() {
        Set<String> threads = selectorThreads();
        threads.removeAll(selectorsBefore);
        return threads;
    }

    private static Set<String> selectorThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("HttpClient-") && name.endsWith("-SelectorManager"))
                .collect(Collectors.toSet());
    }

    private Attempt attempt(AttemptListener listener) {
        return attempt(listener, server.getAddress().getPort());
    }

    private Attempt attempt(AttemptListener listener, int port) {
        Provider provider = new Provider("p", ProviderKind.OPENAI,
                URI.create("http://127.0.0.1:" + port + "/v1"), "KEY", Map.of(), null);
        ModelEntry model = new ModelEntry("m", "p", "m", "m", null, null, null, null, List.of());
        UpstreamCall call = new UpstreamCall(model, provider, TimeUnit.SECONDS.toNanos(10),
                TimeUnit.SECONDS.toNanos(10), 1);
        Attempt attempt = new Attempt(call, List.of(ChatMessage.user("hi")), listener, timer, closed -> {
            open.remove(closed);
            unfinished.keep(closed);
        });
        open.add(attempt);
        return attempt;
    }

    /** What one attempt delivered: its first token, then its outcome as "end reason text" or "error code". */
    private static final class Recording implements AttemptListener {

        final CountDownLatch token = new CountDownLatch(1);
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onToken(String delta, long seq) {
            text.append(delta);
            token.countDown();
        }

        @Override
        public void onEnd(Attempt attempt, String finishReason, Usage usage) {
            outcome.complete("end " + finishReason + " " + text);
        }

        @Override
        public void onError(Attempt attempt, DuplexException error, Usage usage) {
            outcome.complete("error " + error.code() + ": " + error.getMessage());
        }
    }
}
