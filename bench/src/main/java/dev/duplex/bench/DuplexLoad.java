package dev.duplex.bench;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Clients of Duplex: one WebSocket per session, each sending M messages one after the other. */
final class DuplexLoad {

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI chat;

    DuplexLoad(URI chat) {
        this.chat = chat;
    }

    Result run(Level level, String runId, ServerProcess server) throws Exception {
        CountDownLatch done = new CountDownLatch(level.sessions());
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < level.sessions(); i++) {
            sessions.add(new Session(level, runId + "-" + i, done));
        }
        connectAll(sessions);
        double cpuBefore = server.cpuSeconds();
        long start = System.nanoTime();
        Stagger.start(sessions.size(), level, i -> sessions.get(i).next());
        boolean finished = done.await(Stagger.deadlineSeconds(level), TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = server.cpuSeconds() - cpuBefore;
        sessions.forEach(Session::close);
        return Tally.result("duplex", level, sessions.stream().map(session -> session.tally).toList(),
                finished ? 0 : done.getCount(), seconds, cpu);
    }

    /** Opens {@code count} streams through Duplex and cancels each after a few tokens; when each cancel was sent. */
    Map<String, Long> cancels(int count, String runId) throws Exception {
        Map<String, Long> cancelledAt = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(count);
        List<WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = runId + "-" + i;
            WebSocket socket = http.newWebSocketBuilder().buildAsync(chat, new WebSocket.Listener() {
                private final StringBuilder partial = new StringBuilder();
                private int tokens;

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        String type = Json.parse(partial.toString()).getString("type");
                        partial.setLength(0);
                        if (type.equals("token") && ++tokens == 3) {
                            cancelledAt.put(id, System.nanoTime());
                            ws.sendText("{\"type\":\"cancel\"}", true);
                        } else if (type.equals("end") || type.equals("error")) {
                            done.countDown();
                        }
                    }
                    ws.request(1);
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            sockets.add(socket);
            socket.sendText("{\"type\":\"message\",\"content\":\"bench id=" + id + " tokens=100000 interval=20\"}", true);
            TimeUnit.MILLISECONDS.sleep(10);
        }
        done.await(60, TimeUnit.SECONDS);
        sockets.forEach(WebSocket::abort);
        return cancelledAt;
    }

    private void connectAll(List<Session> sessions) throws Exception {
        for (int from = 0; from < sessions.size(); from += 200) {
            List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
            for (Session session : sessions.subList(from, Math.min(sessions.size(), from + 200))) {
                batch.add(http.newWebSocketBuilder().buildAsync(chat, session).thenApply(ws -> session.socket = ws));
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
    }

    /** One simulated user on its own WebSocket. Guarded by its own monitor. */
    private static final class Session implements WebSocket.Listener {

        private final Level level;
        private final String id;
        private final CountDownLatch done;
        private final Tally tally = new Tally();
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;
        private int sent;
        private boolean finished;
        /** The conversation the next message continues: a {@link Level#conversation} level's, once started. */
        private String conversationId;

        Session(Level level, String id, CountDownLatch done) {
            this.level = level;
            this.id = id;
            this.done = done;
        }

        synchronized void next() {
            if (finished) {
                return;
            }
            if (sent == level.messages()) {
                finished = true;
                done.countDown();
                return;
            }
            sent++;
            String messageId = id + "-" + sent;
            synchronized (tally) {
                tally.sent(messageId);
            }
            socket.sendText("{\"type\":\"message\",\"content\":" + Json.quote(level.prompt(messageId))
                    + (conversationId == null ? "" : ",\"conversation_id\":" + Json.quote(conversationId)) + "}", true);
        }

        @Override
        public synchronized CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            long now = System.nanoTime();
            partial.append(data);
            ws.request(1);
            if (!last) {
                return null;
            }
            JsonObject frame = Json.parse(partial.toString());
            partial.setLength(0);
            switch (frame.getString("type")) {
                case "token" -> {
                    synchronized (tally) {
                        tally.received(frame.getString("content"), now);
                    }
                }
                case "start" -> {
                    if (level.conversation()) {
                        conversationId = frame.getString("conversation_id");
                    }
                }
                case "end" -> next();
                case "error" -> {
                    synchronized (tally) {
                        tally.error();
                    }
                    if (frame.containsKey("id")) {
                        next();
                    }
                }
                default -> {
                }
            }
            return null;
        }

        @Override
        public synchronized CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            fail();
            return null;
        }

        @Override
        public synchronized void onError(WebSocket ws, Throwable error) {
            fail();
        }

        private void fail() {
            if (!finished) {
                synchronized (tally) {
                    tally.error();
                }
                finished = true;
                done.countDown();
            }
        }

        void close() {
            synchronized (this) {
                finished = true;
            }
            WebSocket current = socket;
            if (current != null) {
                current.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS)
                        .exceptionally(e -> null);
            }
        }
    }
}
