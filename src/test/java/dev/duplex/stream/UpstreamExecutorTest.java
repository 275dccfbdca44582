package dev.duplex.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.duplex.threads.NamedThreads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request started inside {@link UpstreamExecutor#starting} takes its connection and builds its headers on the
 * calling thread, even while every client thread is busy with other streams' lines; one started outside it waits
 * for a client thread first. Over a real HTTP server on loopback, with a pooled keep-alive connection.
 *
 * <p>The request's bytes still reach the socket through one hand-off of the JDK client's own (its selector thread
 * starts the connection's writing on the pool), so in both cases the provider reads the request once a client
 * thread is free.
 */
class UpstreamExecutorTest {

    private final BlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
    private final ExecutorService serverThreads = Executors.newFixedThreadPool(2,
            NamedThreads.factory("test-upstream"));
    private final ExecutorService pool = Executors.newFixedThreadPool(1, NamedThreads.factory("test-client"));
    private final UpstreamExecutor executor = new UpstreamExecutor(pool);
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private HttpClient client;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            arrivals.add(exchange.getRequestURI().getPath());
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(serverThreads);
        server.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        server.stop(0);
        NamedThreads.stop(serverThreads);
        NamedThreads.stop(pool);
        assertTrue(pool.isTerminated(), "the client's threads ended");
        assertTrue(serverThreads.isTerminated(), "the server's threads ended");
    }

    @Test
    void aRequestStartedInsideStartingIsPreparedOnTheCallingThreadWhileTheClientsThreadsAreBusy() throws Exception {
        keepAliveConnectionPooled();
        busyPool();

        HeadersThread headers = new HeadersThread();
        AtomicReference<CompletableFuture<HttpResponse<String>>> response = new AtomicReference<>();
        executor.starting(() -> response.set(client.sendAsync(request("/started", headers),
                HttpResponse.BodyHandlers.ofString())));

        assertEquals(Thread.currentThread().getName(), headers.name.get(),
                "the headers were built before sendAsync returned, on the caller");
        release.countDown();
        assertEquals("/started", arrivals.poll(5, TimeUnit.SECONDS));
        assertEquals("ok", response.get().get(5, TimeUnit.SECONDS).body());
    }

    @Test
    void aRequestStartedOutsideStartingWaitsForAClientThread() throws Exception {
        keepAliveConnectionPooled();
        busyPool();

        HeadersThread headers = new HeadersThread();
        CompletableFuture<HttpResponse<String>> response = client.sendAsync(request("/queued", headers),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(null, arrivals.poll(300, TimeUnit.MILLISECONDS), "the request waits behind the busy thread");
        assertEquals(null, headers.name.get(), "not even its headers are built");
        release.countDown();
        assertEquals("/queued", arrivals.poll(5, TimeUnit.SECONDS));
        assertEquals("ok", response.get(5, TimeUnit.SECONDS).body());
        assertTrue(headers.name.get().startsWith("test-client-"), headers.name.get());
    }

    @Test
    void workOutsideStartingRunsOnThePoolAndInsideItOnTheCaller() throws Exception {
        CompletableFuture<String> outside = new CompletableFuture<>();
        executor.execute(() -> outside.complete(Thread.currentThread().getName()));
        assertTrue(outside.get(5, TimeUnit.SECONDS).startsWith("test-client-"));

        AtomicReference<String> inside = new AtomicReference<>();
        executor.starting(() -> executor.starting(() -> executor.execute(
                () -> inside.set(Thread.currentThread().getName()))));
        assertEquals(Thread.currentThread().getName(), inside.get());

        CompletableFuture<String> after = new CompletableFuture<>();
        executor.execute(() -> after.complete(Thread.currentThread().getName()));
        assertTrue(after.get(5, TimeUnit.SECONDS).startsWith("test-client-"), "the mark ends with starting");
    }

    /** A first exchange leaves its connection in the client's pool, as a provider's keep-alive does. */
    private void keepAliveConnectionPooled() throws Exception {
        assertEquals("ok", client.send(request("/first", new HeadersThread()), HttpResponse.BodyHandlers.ofString())
                .body());
        assertEquals("/first", arrivals.poll(5, TimeUnit.SECONDS));
    }

    /** The client's only thread is taken, as by running streams' lines. */
    private void busyPool() throws InterruptedException {
        CountDownLatch taken = new CountDownLatch(1);
        pool.execute(() -> {
            taken.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(taken.await(5, TimeUnit.SECONDS));
    }

    private HttpRequest request(String path, HeadersThread headers) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .POST(headers).build();
    }

    /** A request body that notes the thread which first asks its length: the one building the headers. */
    private static final class HeadersThread implements HttpRequest.BodyPublisher {

        final AtomicReference<String> name = new AtomicReference<>();
        private final HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString("{}");

        @Override
        public long contentLength() {
            name.compareAndSet(null, Thread.currentThread().getName());
            return body.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            body.subscribe(subscriber);
        }
    }
}
