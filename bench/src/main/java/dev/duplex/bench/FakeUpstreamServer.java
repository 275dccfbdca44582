package dev.duplex.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's upstream, in its own process: an OpenAI-compatible {@code POST /v1/chat/completions} that
 * streams SSE. What to stream is read from the last user message: {@code bench id=X tokens=N interval=MS ttft=MS
 * pad=CHARS} (pad: characters added to each token after its time stamp, for byte-heavy streams).
 * Every token's text is the {@link System#nanoTime()} at which it was written (CLOCK_MONOTONIC, shared by every
 * process on the machine), so the receiver can compute each token's latency. A reader thread per connection
 * records the instant the client closes it: {@code GET /stats/closes} lists {@code id nanos} per line. It also
 * records the instant each request was read whole: {@code GET /stats/arrivals} lists {@code id nanos} per line
 * and forgets them, so the load generator can tell how long its message took to become the upstream's request.
 */
public final class FakeUpstreamServer {

    private static final Pattern PARAM = Pattern.compile("(\\w+)=([\\w.-]+)");
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, Long> closes = new ConcurrentHashMap<>();
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9901;
        new FakeUpstreamServer().serve(port);
    }

    void serve(int port) throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
            System.out.println("READY " + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                new Connection(socket).start();
            }
        }
    }

    private final class Connection {

        private final Socket socket;
        private final SynchronousQueue<Request> requests = new SynchronousQueue<>();
        private volatile String streaming;

        Connection(Socket socket) {
            this.socket = socket;
        }

        void start() {
            Thread reader = new Thread(this::read, "upstream-read");
            reader.setDaemon(true);
            reader.start();
            Thread writer = new Thread(this::write, "upstream-write");
            writer.setDaemon(true);
            writer.start();
        }

        private void read() {
            try (InputStream in = socket.getInputStream()) {
                while (true) {
                    Request request = Request.read(in);
                    if (request == null) {
                        break;
                    }
                    long arrived = System.nanoTime();
                    String id = request.params().get("id");
                    if (id != null) {
                        arrivals.put(id, arrived);
                    }
                    requests.put(request);
                }
            } catch (IOException | InterruptedException closed) {
                // RST or shutdown: the client is gone
            }
            String id = streaming;
            if (id != null) {
                closes.put(id, System.nanoTime());
            }
            try {
                requests.put(Request.END);
                socket.close();
            } catch (IOException | InterruptedException ignored) {
                // closing anyway
            }
        }

        private void write() {
            try (OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192)) {
                while (true) {
                    Request request = requests.take();
                    if (request == Request.END) {
                        return;
                    }
                    if (request.path.startsWith("/stats/closes")) {
                        StringBuilder body = new StringBuilder();
                        closes.forEach((id, nanos) -> body.append(id).append(' ').append(nanos).append('\n'));
                        fixed(out, "text/plain", body.toString());
                    } else if (request.path.startsWith("/stats/arrivals")) {
                        StringBuilder body = new StringBuilder();
                        for (String id : List.copyOf(arrivals.keySet())) {
                            Long nanos = arrivals.remove(id);
                            if (nanos != null) {
                                body.append(id).append(' ').append(nanos).append('\n');
                            }
                        }
                        fixed(out, "text/plain", body.toString());
                    } else {
                        stream(out, request);
                    }
                }
            } catch (IOException | InterruptedException clientGone) {
                // the reader records the close
            }
        }

        private void stream(OutputStream out, Request request) throws IOException {
            Map<String, String> params = request.params();
            String id = params.getOrDefault("id", "?");
            int tokens = Integer.parseInt(params.getOrDefault("tokens", "50"));
            long intervalNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(params.getOrDefault("interval", "20")));
            long ttftNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(params.getOrDefault("ttft", "0")));
            String pad = "x".repeat(Integer.parseInt(params.getOrDefault("pad", "0")));
            streaming = id;
            active.incrementAndGet();
            try {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                chunk(out, "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                        .getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime() + ttftNanos;
                for (int i = 0; i < tokens; i++) {
                    long due = start + i * intervalNanos;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                    chunk(out, ("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + System.nanoTime()
                            + " " + pad + "\"},\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.US_ASCII));
                }
                chunk(out, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                        .getBytes(StandardCharsets.US_ASCII));
                chunk(out, ("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":" + tokens
                        + ",\"total_tokens\":" + (tokens + 10) + "}}\n\n").getBytes(StandardCharsets.US_ASCII));
                chunk(out, DONE);
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } finally {
                streaming = null;
                active.decrementAndGet();
            }
        }

        private void chunk(OutputStream out, byte[] data) throws IOException {
            out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data);
            out.write('\r');
            out.write('\n');
            out.flush();
        }

        private void fixed(OutputStream out, String type, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
        }
    }

    /** An HTTP/1.1 request: its path and body. */
    private record Request(String path, String body) {

        static final Request END = new Request("", "");

        Map<String, String> params() {
            Map<String, String> params = new ConcurrentHashMap<>();
            int last = body.lastIndexOf("bench ");
            if (last >= 0) {
                Matcher matcher = PARAM.matcher(body.substring(last));
                while (matcher.find()) {
                    params.putIfAbsent(matcher.group(1), matcher.group(2));
                }
            }
            return params;
        }

        static Request read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            byte[] end = {'\r', '\n', '\r', '\n'};
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            String path = text.substring(text.indexOf(' ') + 1, text.indexOf(' ', text.indexOf(' ') + 1));
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            return new Request(path, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
    }
}
