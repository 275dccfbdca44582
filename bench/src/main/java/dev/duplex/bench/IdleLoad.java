package dev.duplex.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Many connected, idle sessions: what each costs the server, and that every one of them still answers. */
final class IdleLoad {

    record Report(int sessions, long connectErrors, long answered, long closedOrFailed, double heapMbBefore,
                  double heapMbAfter, double rssMbBefore, double rssMbAfter, double connectSeconds,
                  double connectCpuSeconds) {

        /** Duplex's CPU (user + system) per connection while they were opened, handshakes included. */
        double cpuMsPerConnection() {
            return connectCpuSeconds * 1000 / sessions;
        }

        double heapKbPerSession() {
            return (heapMbAfter - heapMbBefore) * 1024 / sessions;
        }

        double rssKbPerSession() {
            return (rssMbAfter - rssMbBefore) * 1024 / sessions;
        }
    }

    /** Connects {@code count} sessions, writes Duplex's heap by class to {@code histogram} while they are open. */
    static Report run(URI chat, int count, ServerProcess server, Path histogram) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        double heapBefore = server.heapMbAfterGc();
        double rssBefore = server.rssMb();
        AtomicLong pongs = new AtomicLong();
        AtomicLong closed = new AtomicLong();
        CountDownLatch answered = new CountDownLatch(count);
        WebSocket.Listener listener = new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                if (data.toString().contains("\"pong\"")) {
                    pongs.incrementAndGet();
                    answered.countDown();
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closed.incrementAndGet();
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closed.incrementAndGet();
            }
        };
        List<WebSocket> sockets = new ArrayList<>();
        long errors = 0;
        double cpuBefore = server.cpuSeconds();
        long start = System.nanoTime();
        for (int from = 0; from < count; from += 250) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + 250); i++) {
                batch.add(http.newWebSocketBuilder().buildAsync(chat, listener));
            }
            for (CompletableFuture<WebSocket> future : batch) {
                try {
                    sockets.add(future.get(60, TimeUnit.SECONDS));
                } catch (Exception e) {
                    errors++;
                }
            }
        }
        double connectSeconds = (System.nanoTime() - start) / 1e9;
        double connectCpu = server.cpuSeconds() - cpuBefore;
        double heapAfter = server.heapMbAfterGc();
        double rssAfter = server.rssMb();
        server.classHistogram(histogram);
        for (WebSocket socket : sockets) {
            socket.sendText("{\"type\":\"ping\"}", true).exceptionally(e -> {
                closed.incrementAndGet();
                return null;
            });
        }
        answered.await(120, TimeUnit.SECONDS);
        for (WebSocket socket : sockets) {
            socket.abort();
        }
        return new Report(count, errors, pongs.get(), closed.get(), heapBefore, heapAfter, rssBefore, rssAfter,
                connectSeconds, connectCpu);
    }
}
