package dev.duplex.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP/1.1 server on 127.0.0.1 standing in for an OpenAI-compatible provider. Tests script each response
 * byte for byte ({@link Script}), chosen by the start of the last user message. Every connection has a reader
 * thread that notices the client's FIN or RST the moment it arrives, so a test can assert that the upstream saw
 * its connection closed, and how soon.
 */
final class FakeUpstream implements AutoCloseable, AfterAllCallback {

    /** Writes one response. */
    @FunctionalInterface
    interface Script {
        void play(Exchange exchange) throws IOException, InterruptedException;
    }

    private final Map<String, Script> scripts = new LinkedHashMap<>();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;
    private volatile Thread acceptor;
    private final int port;

    static FakeUpstream startUnchecked() {
        try {
            return new FakeUpstream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    FakeUpstream() throws IOException {
        server = listen(0, 50);
        port = server.getLocalPort();
        acceptLoop(server);
    }

    int port() {
        return port;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port + "/v1";
    }

    /** Answers requests whose last user message starts with {@code prefix} with {@code script}. */
    synchronized void on(String prefix, Script script) {
        scripts.put(prefix, script);
    }

    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** The last exchange whose last user message starts with {@code prefix}. */
    Exchange last(String prefix) {
        for (int i = exchanges.size() - 1; i >= 0; i--) {
            if (exchanges.get(i).lastUserMessage().startsWith(prefix)) {
                return exchanges.get(i);
            }
        }
        throw new AssertionError("the upstream saw no request for " + prefix);
    }

    /** Exchanges whose response is neither finished nor closed: streams still running. */
    long openStreams() {
        return exchanges.stream().filter(Exchange::open).count();
    }

    /** Stops listening and drops every connection: new requests are refused (connection refused). */
    void refuseConnections() throws IOException, InterruptedException {
        stopListening();
        for (Connection connection : connections) {
            connection.socket.close();
        }
    }

    /**
     * Listens again without accepting, with a full accept queue: the kernel drops new SYNs, so a client's
     * connect hangs until its connect timeout. Returns the sockets that fill the queue, to close afterwards.
     */
    List<Socket> stallConnections() throws IOException {
        server = listen(port, 1);
        List<Socket> fillers = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 4; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                fillers.add(socket);
            } catch (IOException queueFull) {
                socket.close();
                break;
            }
        }
        return fillers;
    }

    /** Accepts connections again on the same port. */
    void acceptAgain() throws IOException, InterruptedException {
        stopListening();
        server = listen(port, 50);
        acceptLoop(server);
    }

    /** Registered as a JUnit extension ({@code @RegisterExtension}), it closes after the test class. */
    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Connection connection : connections) {
            connection.socket.close();
        }
    }

    /**
     * Closes the listening socket and waits for the accept thread to leave accept(): the JDK closes the
     * descriptor of a socket with a blocked accept only then, and the port cannot be bound again before.
     */
    private void stopListening() throws IOException, InterruptedException {
        server.close();
        Thread current = acceptor;
        if (current != null) {
            current.join(5000);
        }
    }

    private static ServerSocket listen(int port, int backlog) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
        return socket;
    }

    private void acceptLoop(ServerSocket listening) {
        acceptor = daemon("fake-upstream-accept", () -> {
            while (!listening.isClosed()) {
                try {
                    Socket socket = listening.accept();
                    socket.setTcpNoDelay(true);
                    Connection connection = new Connection(socket);
                    connections.add(connection);
                    connection.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private synchronized Script scriptFor(Exchange exchange) {
        String message = exchange.lastUserMessage();
        return scripts.entrySet().stream()
                .filter(entry -> message.startsWith(entry.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(e -> e.respond(404, "application/json", "{\"error\":{\"message\":\"no script for '"
                        + message + "'\"}}"));
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** One TCP connection: a reader thread parses requests and watches for the client closing. */
    private final class Connection {

        private final Socket socket;
        private final BlockingQueue<Exchange> pending = new LinkedBlockingQueue<>();
        private final List<Exchange> mine = new CopyOnWriteArrayList<>();

        Connection(Socket socket) {
            this.socket = socket;
        }

        void start() {
            daemon("fake-upstream-read", this::read);
            daemon("fake-upstream-write", this::write);
        }

        private void read() {
            try {
                InputStream in = socket.getInputStream();
                while (true) {
                    Exchange exchange = readRequest(in);
                    if (exchange == null) {
                        break;
                    }
                    mine.add(exchange);
                    exchanges.add(exchange);
                    pending.add(exchange);
                }
            } catch (IOException reset) {
                // RST: the client is gone just as surely as with a FIN
            }
            long now = System.nanoTime();
            mine.forEach(exchange -> exchange.clientClosed(now));
            pending.add(Exchange.POISON);
        }

        private void write() {
            try {
                while (true) {
                    Exchange exchange = pending.take();
                    if (exchange == Exchange.POISON) {
                        return;
                    }
                    try {
                        exchange.out = socket.getOutputStream();
                        exchange.socket = socket;
                        scriptFor(exchange).play(exchange);
                        exchange.finished();
                    } catch (IOException clientGone) {
                        exchange.clientClosed(System.nanoTime());
                        return;
                    }
                    if (socket.isClosed()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private Exchange readRequest(InputStream in) throws IOException {
            String head = readHead(in);
            if (head == null) {
                return null;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            return new Exchange(requestLine[0], requestLine[1], headers, new String(body, StandardCharsets.UTF_8));
        }

        private String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            return text.substring(0, text.length() - 4);
        }
    }

    /** One request and the response being written to it. */
    static final class Exchange {

        static final Exchange POISON = new Exchange("", "", Map.of(), "");

        final String method;
        final String path;
        final Map<String, String> headers;
        final String body;
        final long receivedNanos = System.nanoTime();
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile OutputStream out;
        private volatile Socket socket;
        private volatile boolean finished;
        private volatile long clientClosedNanos;

        Exchange(String method, String path, Map<String, String> headers, String body) {
            this.method = method;
            this.path = path;
            this.headers = headers;
            this.body = body;
        }

        JsonObject json() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }

        JsonArray messages() {
            return json().getJsonArray("messages");
        }

        /** The last user message, in OpenAI, Anthropic and Ollama ({@code messages}) or Gemini ({@code contents}) form. */
        String lastUserMessage() {
            if (body.isEmpty()) {
                return "";
            }
            if (json().get("contents") instanceof JsonArray contents) {
                for (int i = contents.size() - 1; i >= 0; i--) {
                    JsonObject content = contents.getJsonObject(i);
                    if ("user".equals(content.getString("role"))) {
                        return content.getJsonArray("parts").getJsonObject(0).getString("text");
                    }
                }
                return "";
            }
            JsonArray messages = messages();
            for (int i = messages.size() - 1; i >= 0; i--) {
                JsonObject message = messages.getJsonObject(i);
                if ("user".equals(message.getString("role"))) {
                    return message.getString("content");
                }
            }
            return "";
        }

        /** Sends the status line and headers of a chunked response. */
        void head(int status, String contentType, String... extraHeaders) throws IOException {
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n")
                    .append("Content-Type: ").append(contentType).append("\r\n")
                    .append("Transfer-Encoding: chunked\r\n");
            for (String header : extraHeaders) {
                head.append(header).append("\r\n");
            }
            raw(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        }

        void sseHead() throws IOException {
            head(200, "text/event-stream; charset=utf-8", "Cache-Control: no-cache");
        }

        /** One HTTP chunk holding {@code text}. */
        void chunk(String text) throws IOException {
            chunk(text.getBytes(StandardCharsets.UTF_8));
        }

        void chunk(byte[] bytes) throws IOException {
            ByteArrayOutputStream chunk = new ByteArrayOutputStream();
            chunk.writeBytes((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            chunk.writeBytes(bytes);
            chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            raw(chunk.toByteArray());
        }

        /** The last chunk: the body ends properly. */
        void endBody() throws IOException {
            raw("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        /** A complete response with a fixed body. */
        void respond(int status, String contentType, String body, String... extraHeaders) throws IOException {
            head(status, contentType, extraHeaders);
            chunk(body);
            endBody();
        }

        /** Cuts the TCP connection without ending the body. */
        void dropConnection() throws IOException {
            socket.close();
        }

        /** Waits, but returns early when the client closes the connection. */
        void pause(long millis) throws InterruptedException {
            ended.await(millis, TimeUnit.MILLISECONDS);
        }

        private void raw(byte[] bytes) throws IOException {
            if (clientClosedNanos != 0) {
                throw new IOException("client closed the connection");
            }
            out.write(bytes);
            out.flush();
        }

        void finished() {
            finished = true;
            ended.countDown();
        }

        void clientClosed(long nanos) {
            if (!finished && clientClosedNanos == 0) {
                clientClosedNanos = nanos;
                ended.countDown();
            }
        }

        boolean open() {
            return !finished && clientClosedNanos == 0;
        }

        /** True when the client closed the connection before the response was complete. */
        boolean closedByClient() {
            return clientClosedNanos != 0;
        }

        long clientClosedNanos() {
            return clientClosedNanos;
        }

        boolean awaitEnd(long millis) throws InterruptedException {
            return ended.await(millis, TimeUnit.MILLISECONDS);
        }

        static boolean isNull(JsonValue value) {
            return value == null || value == JsonValue.NULL;
        }
    }
}
