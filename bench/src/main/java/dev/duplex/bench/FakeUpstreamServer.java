package dev.duplex.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's upstream, in its own process: an OpenAI-compatible {@code POST /v1/chat/completions} that
 * streams SSE. What to stream is read from the last user message: {@code bench id=X tokens=N interval=MS ttft=MS
 * pad=CHARS} (pad: characters added to each token after its time stamp, for byte-heavy streams).
 * Token chunks carry only what a client needs ({@code choices[0].delta.content}) unless the server is started with
 * {@code openai} after its port: then each has the fields OpenAI's API sends with every chunk (id, object,
 * created, model, service tier, system fingerprint, logprobs, finish reason, usage), about three times the bytes.
 * Every token's text is the {@link System#nanoTime()} at which it was written (CLOCK_MONOTONIC, shared by every
 * process on the machine), so the receiver can compute each token's latency. The reader records the instant the
 * client closes a connection: {@code GET /stats/closes} lists {@code id nanos} per line. It also records the
 * instant each request was read whole: {@code GET /stats/arrivals} lists {@code id nanos} per line and forgets
 * them, so the load generator can tell how long its message took to become the upstream's request.
 * {@code GET /stats/collections} gives its own garbage collections so far ({@code count N}, {@code ms M}).
 *
 * <p>It stands for a provider on another machine, so it must cost this one as little as it can: two threads serve
 * every connection. The reader (the thread that calls {@link #serve}) accepts connections, reads requests and sees
 * closes with one selector; the writer ({@link Writer}) writes every stream's chunks when they fall due, each
 * token in a write of its own, as a provider sends it. (Two threads per connection, parked between tokens, took
 * about 0.85 of the machine's 2 cores at 500 streams: finding 58.)
 */
public final class FakeUpstreamServer {

    private static final Pattern PARAM = Pattern.compile("(\\w+)=([\\w.-]+)");

    private final Map<String, Long> closes = new ConcurrentHashMap<>();
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final Writer writer = new Writer();
    private final boolean openAiChunks;

    FakeUpstreamServer(boolean openAiChunks) {
        this.openAiChunks = openAiChunks;
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9901;
        new FakeUpstreamServer(args.length > 1 && args[1].equals("openai")).serve(port);
    }

    void serve(int port) throws IOException {
        try (Selector selector = Selector.open(); ServerSocketChannel server = ServerSocketChannel.open()) {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            Thread writing = new Thread(writer, "upstream-write");
            writing.setDaemon(true);
            writing.start();
            System.out.println("READY " + ((InetSocketAddress) server.getLocalAddress()).getPort());
            System.out.flush();
            ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
            while (true) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept(server, selector);
                    } else if (key.isReadable()) {
                        ((Connection) key.attachment()).read(buffer);
                    }
                }
                selector.selectedKeys().clear();
            }
        }
    }

    private void accept(ServerSocketChannel server, Selector selector) throws IOException {
        for (SocketChannel channel = server.accept(); channel != null; channel = server.accept()) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.register(selector, SelectionKey.OP_READ, new Connection(channel));
        }
    }

    /**
     * One client connection. Its bytes received are the reader's alone; its requests and current stream are the
     * writer's alone; {@code streaming} and {@code closed} are read across the two.
     */
    private final class Connection {

        private final SocketChannel channel;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final ArrayDeque<Request> waiting = new ArrayDeque<>();
        private Stream current;
        /** The id of the stream being written, recorded if the client closes the connection meanwhile. */
        private volatile String streaming;
        private volatile boolean closed;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        /** On the reader: what the client sent, or its close. */
        void read(ByteBuffer buffer) {
            int count;
            buffer.clear();
            try {
                count = channel.read(buffer);
            } catch (IOException reset) {
                count = -1;
            }
            if (count < 0) {
                close();
                return;
            }
            buffer.flip();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            received.writeBytes(bytes);
            for (Request request = takeRequest(); request != null; request = takeRequest()) {
                long arrived = System.nanoTime();
                String id = request.params().get("id");
                if (id != null) {
                    arrivals.put(id, arrived);
                }
                writer.submit(this, request);
            }
        }

        /** A whole request from the bytes received, which keep what follows it; null until one is there. */
        private Request takeRequest() {
            byte[] bytes = received.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return null;
            }
            String head = text.substring(0, headEnd);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            int end = headEnd + 4 + length;
            if (bytes.length < end) {
                return null;
            }
            received.reset();
            received.write(bytes, end, bytes.length - end);
            int pathStart = head.indexOf(' ') + 1;
            return Request.of(head.substring(pathStart, head.indexOf(' ', pathStart)),
                    new String(bytes, headEnd + 4, length, StandardCharsets.UTF_8));
        }

        /** On the reader: the client closed the connection (or reset it). */
        private void close() {
            gone();
            closed = true;
            try {
                channel.close();
            } catch (IOException ignored) {
                // closed anyway
            }
        }

        /**
         * The client is gone: seen by the reader (its close or reset), or first by the writer (a write failed, the
         * reader not having run since). Recorded once, for the stream being written.
         */
        void gone() {
            String id = streaming;
            if (id != null) {
                closes.putIfAbsent(id, System.nanoTime());
            }
        }
    }

    /**
     * Writes every connection's responses: a priority queue of streams by the instant their next chunk falls due,
     * parked until the first of them (or a new request). Confined to its thread except {@link #submit}.
     */
    private final class Writer implements Runnable {

        private final Queue<Submitted> inbox = new ConcurrentLinkedQueue<>();
        private final PriorityQueue<Stream> due = new PriorityQueue<>(
                Comparator.comparingLong((Stream stream) -> stream.due).thenComparingLong(stream -> stream.order));
        private volatile Thread thread;
        private long order;

        /** On the reader: a request read whole. */
        void submit(Connection connection, Request request) {
            inbox.add(new Submitted(connection, request));
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            while (true) {
                for (Submitted submitted = inbox.poll(); submitted != null; submitted = inbox.poll()) {
                    submitted.connection().waiting.addLast(submitted.request());
                    startNext(submitted.connection());
                }
                Stream next = due.peek();
                long now = System.nanoTime();
                if (next == null) {
                    LockSupport.park(this);
                } else if (next.due > now) {
                    LockSupport.parkNanos(this, next.due - now);
                } else {
                    due.poll();
                    if (next.step()) {
                        schedule(next);
                    } else {
                        next.connection.current = null;
                        next.connection.streaming = null;
                        startNext(next.connection);
                    }
                }
            }
        }

        private void startNext(Connection connection) {
            if (connection.current == null && !connection.waiting.isEmpty()) {
                connection.current = new Stream(connection, connection.waiting.pollFirst());
                schedule(connection.current);
            }
        }

        private void schedule(Stream stream) {
            stream.order = order++;
            due.add(stream);
        }
    }

    /**
     * One response being written: its head and role chunk at once, then a token chunk at each interval, then the
     * finish, usage and {@code [DONE]} chunks; or a stats list. Bytes the socket did not take wait in
     * {@code pending}, and are tried again shortly, the next chunk falling due after them (as a blocking write
     * would have it). Confined to the writer.
     */
    private final class Stream {

        private static final long RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
        private static final long CREATED = System.currentTimeMillis() / 1000;

        private final Connection connection;
        private final Request request;
        private final String id;
        private final int tokens;
        private final long intervalNanos;
        private final String pad;
        private ByteBuffer pending;
        private long start;
        /** The next chunk: -1 the head, 0 .. tokens - 1 a token, tokens the end, past it nothing more. */
        private int next = -1;
        long due = System.nanoTime();
        long order;

        Stream(Connection connection, Request request) {
            this.connection = connection;
            this.request = request;
            Map<String, String> params = request.params();
            id = params.getOrDefault("id", "?");
            tokens = Integer.parseInt(params.getOrDefault("tokens", "50"));
            intervalNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(params.getOrDefault("interval", "20")));
            start = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(params.getOrDefault("ttft", "0")));
            pad = "x".repeat(Integer.parseInt(params.getOrDefault("pad", "0")));
        }

        /** Writes what is due; false once the response is written whole or the client is gone. */
        boolean step() {
            if (connection.closed) {
                return false;
            }
            try {
                if (pending == null) {
                    pending = ByteBuffer.wrap(nextBytes());
                }
                connection.channel.write(pending);
                if (pending.hasRemaining()) {
                    due = System.nanoTime() + RETRY_NANOS;
                    return true;
                }
                pending = null;
                if (next > tokens) {
                    return false;
                }
                due = next < tokens ? start + next * intervalNanos : System.nanoTime();
                return true;
            } catch (IOException gone) {
                connection.gone();
                return false;
            }
        }

        /** The next piece of the response, stamped now; advances {@code next}. */
        private byte[] nextBytes() {
            if (request.path.startsWith("/stats/")) {
                next = tokens + 1;
                return fixed(request.path.startsWith("/stats/closes") ? list(closes, false)
                        : request.path.startsWith("/stats/collections") ? collections()
                        : list(arrivals, true));
            }
            if (next == -1) {
                connection.streaming = id;
                start += System.nanoTime();
                next = 0;
                return ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n"
                        + chunk("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"))
                        .getBytes(StandardCharsets.US_ASCII);
            }
            if (next < tokens) {
                next++;
                String content = System.nanoTime() + " " + pad;
                return chunk(openAiChunks
                        ? "data: {\"id\":\"chatcmpl-" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                                + CREATED + ",\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                                + "\"system_fingerprint\":\"fp_0123456789\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                                + content + "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
                        : "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content
                                + "\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.US_ASCII);
            }
            next++;
            return (chunk("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
                    + chunk("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":" + tokens
                            + ",\"total_tokens\":" + (tokens + 10) + "}}\n\n")
                    + chunk("data: [DONE]\n\n") + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        private static String chunk(String data) {
            return Integer.toHexString(data.length()) + "\r\n" + data + "\r\n";
        }

        private static String list(Map<String, Long> instants, boolean forget) {
            StringBuilder body = new StringBuilder();
            for (String key : List.copyOf(instants.keySet())) {
                Long nanos = forget ? instants.remove(key) : instants.get(key);
                if (nanos != null) {
                    body.append(key).append(' ').append(nanos).append('\n');
                }
            }
            return body.toString();
        }

        /** This process's collections so far, as {@code count N} and {@code ms M} lines. */
        private static String collections() {
            long[] collections = OwnCollections.now();
            return "count " + collections[0] + "\nms " + collections[1] + "\n";
        }

        private static byte[] fixed(String body) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[head.length + bytes.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(bytes, 0, all, head.length, bytes.length);
            return all;
        }
    }

    /** A request handed from the reader to the writer. */
    private record Submitted(Connection connection, Request request) {
    }

    /** An HTTP/1.1 request: its path and the params of its prompt, read once. */
    private record Request(String path, Map<String, String> params) {

        /** The request for {@code path} whose body is {@code body}: the params of its last {@code bench} prompt. */
        static Request of(String path, String body) {
            Map<String, String> params = new HashMap<>();
            int last = body.lastIndexOf("bench ");
            if (last >= 0) {
                Matcher matcher = PARAM.matcher(body.substring(last));
                while (matcher.find()) {
                    params.putIfAbsent(matcher.group(1), matcher.group(2));
                }
            }
            return new Request(path, Map.copyOf(params));
        }
    }
}
