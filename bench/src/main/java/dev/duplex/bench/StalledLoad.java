package dev.duplex.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sessions whose clients stop reading in the middle of a long, byte-heavy answer, as frozen tabs do, next to the
 * same load read to the end: the server's heap over time in both, and how the stalled ones were closed.
 */
final class StalledLoad {

    /** One sample: seconds since the start, heap after GC, RSS, sessions the server still has open. */
    record Sample(long second, double heapMb, double rssMb, double sessionsOpen) {
    }

    record Report(boolean reading, int sessions, List<Sample> samples, java.util.Map<Integer, Integer> closeCodes) {
    }

    static Report run(URI chat, int count, boolean reading, String runId, ServerProcess server) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        java.util.Map<Integer, Integer> closeCodes = new ConcurrentHashMap<>();
        AtomicInteger ended = new AtomicInteger();
        List<WebSocket> sockets = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        samples.add(sample(start, server));
        for (int i = 0; i < count; i++) {
            WebSocket socket = http.newWebSocketBuilder().buildAsync(chat, new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();
                private int tokens;

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        String type = Json.parse(partial.toString()).getString("type");
                        partial.setLength(0);
                        if (type.equals("end") || type.equals("error")) {
                            ended.incrementAndGet();
                        }
                        if (type.equals("token") && ++tokens >= 5 && !reading) {
                            return null; // stops asking for frames: the server's sends back up
                        }
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                    closeCodes.merge(statusCode, 1, Integer::sum);
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            sockets.add(socket);
            socket.sendText("{\"type\":\"message\",\"content\":\"bench id=" + runId + "-" + i
                    + " tokens=6000 interval=5 pad=100\"}", true);
        }
        // each answer takes 30 s to stream: 6,000 tokens, ~700,000 characters
        for (int second = 5; second <= 35; second += 5) {
            TimeUnit.NANOSECONDS.sleep(start + TimeUnit.SECONDS.toNanos(second) - System.nanoTime());
            samples.add(sample(start, server));
        }
        // the stalled clients read again: what the server had queued arrives, then its close frame
        for (WebSocket socket : sockets) {
            socket.request(Long.MAX_VALUE);
        }
        TimeUnit.SECONDS.sleep(5);
        sockets.forEach(WebSocket::abort);
        TimeUnit.SECONDS.sleep(2);
        samples.add(sample(start, server));
        closeCodes.merge(0, ended.get(), Integer::sum); // 0: answers received to their terminal frame
        return new Report(reading, count, samples, closeCodes);
    }

    private static Sample sample(long start, ServerProcess server) throws Exception {
        return new Sample(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), server.heapMbAfterGc(),
                server.rssMb(), server.gauge("duplex_sessions_open"));
    }
}
