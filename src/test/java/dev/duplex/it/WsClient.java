package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.Executable;

/** A real WebSocket client (the JDK's) that queues every frame the server sends, parsed as JSON. */
final class WsClient implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile boolean paused;

    private WsClient(HttpClient http, URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        socket = builder.buildAsync(uri, new Listener()).join();
    }

    static WsClient connect(URI uri) {
        return new WsClient(HttpClient.newHttpClient(), uri, Map.of());
    }

    /** Connects as the browser whose identity cookie is {@code browserId}. */
    static WsClient connect(URI uri, String browserId) {
        return browserId == null ? connect(uri) : connectWith(uri, "Cookie", "duplex_id=" + browserId);
    }

    /** Connects with one more handshake header, such as a session cookie or {@code Authorization}. */
    static WsClient connectWith(URI uri, String header, String value) {
        return new WsClient(HttpClient.newHttpClient(), uri, Map.of(header, value));
    }

    /** Connects through {@code http} (its TLS settings), with these handshake headers. */
    static WsClient connectWith(HttpClient http, URI uri, Map<String, String> headers) {
        return new WsClient(http, uri, headers);
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    JsonObject next() throws InterruptedException {
        JsonObject frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(frame, "no frame within " + WAIT);
        return frame;
    }

    JsonObject next(String type) throws InterruptedException {
        JsonObject frame = next();
        assertEquals(type, frame.getString("type"), "unexpected frame " + frame);
        return frame;
    }

    /** Frames from now up to and including the terminal frame ({@code end}, or {@code error} with an id). */
    List<JsonObject> untilTerminal() throws InterruptedException {
        List<JsonObject> seen = new ArrayList<>();
        while (true) {
            JsonObject frame = next();
            seen.add(frame);
            String type = frame.getString("type");
            if (type.equals("end") || type.equals("error") && frame.containsKey("id")) {
                return seen;
            }
        }
    }

    /** Nothing more arrives within {@code millis}. */
    JsonObject poll(long millis) throws InterruptedException {
        return frames.poll(millis, TimeUnit.MILLISECONDS);
    }

    int awaitCloseCode() throws Exception {
        return closeCode.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Reads to the answer's terminal frame and asserts that the server cut it because it is stopping or being
     * undeployed ({@code shutting_down}, partial), then closed the connection with 1001.
     */
    void assertCutByShutdown() throws Exception {
        JsonObject cut = last(untilTerminal());
        assertEquals("shutting_down", cut.getString("code"), cut.toString());
        assertTrue(cut.getBoolean("partial"), cut.toString());
        assertEquals(1001, awaitCloseCode());
    }

    /** Stops taking frames from the connection, as a frozen tab would: the server's sends back up. */
    void pauseReading() {
        paused = true;
    }

    void resumeReading() {
        paused = false;
        socket.request(1);
    }

    void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null)
                    .join();
        }
        socket.abort();
    }

    /**
     * The problem (RFC 9457) a handshake was refused with before the upgrade, its HTTP status {@code status} and its
     * {@code code} member {@code code} checked.
     */
    static JsonObject refused(int status, String code, Executable handshake) {
        CompletionException refused = assertThrows(CompletionException.class, handshake);
        assertInstanceOf(WebSocketHandshakeException.class, refused.getCause(), refused.toString());
        HttpResponse<?> response = ((WebSocketHandshakeException) refused.getCause()).getResponse();
        assertEquals(status, response.statusCode(), String.valueOf(response.body()));
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse("")
                .split(";")[0], response.headers().toString());
        JsonObject problem = (JsonObject) Browser.parse((String) response.body());
        assertEquals(code, problem.getString("code"), problem.toString());
        return problem;
    }

    /** Sends a binary frame, which the chat protocol has none of: {@code invalid_frame}, then close code 1003. */
    void assertBinaryFrameRefused() throws Exception {
        sendBinary(new byte[] {1, 2, 3});
        assertEquals("invalid_frame", next("error").getString("code"));
        assertEquals(1003, awaitCloseCode());
    }

    static <T> T last(List<T> items) {
        return items.get(items.size() - 1);
    }

    static String text(List<JsonObject> frames) {
        StringBuilder text = new StringBuilder();
        frames.stream().filter(f -> f.getString("type").equals("token")).forEach(f -> text.append(f.getString("content")));
        return text.toString();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try (var reader = Json.createReader(new StringReader(partial.toString()))) {
                    frames.add(reader.readObject());
                }
                partial.setLength(0);
            }
            if (!paused) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
