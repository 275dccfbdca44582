package dev.duplex.bench;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The limit on this machine: clients that read the fake upstream's SSE themselves, with the same parsing work a
 * relay would do, measured exactly like the Duplex clients.
 */
final class DirectLoad {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI endpoint;

    DirectLoad(URI upstreamBase) {
        this.endpoint = upstreamBase.resolve("/v1/chat/completions");
    }

    Result run(Level level, String runId) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(level.sessions());
        List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < level.sessions(); i++) {
            sessions.add(new Session(level, runId + "-" + i, done));
        }
        long start = System.nanoTime();
        Stagger.start(sessions.size(), level, i -> sessions.get(i).next());
        boolean finished = done.await(Stagger.deadlineSeconds(level), TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return Tally.result("direct", level, sessions.stream().map(session -> session.tally).toList(),
                finished ? 0 : done.getCount(), seconds, 0);
    }

    /** Opens {@code count} streams, cancels each after a few tokens; returns when each cancel was done (nanos). */
    Map<String, Long> cancels(int count, String runId) throws InterruptedException {
        Map<String, Long> cancelledAt = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            String id = runId + "-" + i;
            http.sendAsync(request("bench id=" + id + " tokens=100000 interval=20 ttft=0"),
                    HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
                        private Flow.Subscription subscription;
                        private int lines;

                        @Override
                        public void onSubscribe(Flow.Subscription s) {
                            subscription = s;
                            s.request(Long.MAX_VALUE);
                        }

                        @Override
                        public void onNext(String line) {
                            if (line.startsWith("data: ") && ++lines == 4) {
                                cancelledAt.put(id, System.nanoTime());
                                subscription.cancel();
                                done.countDown();
                            }
                        }

                        @Override
                        public void onError(Throwable throwable) {
                        }

                        @Override
                        public void onComplete() {
                        }
                    }));
            TimeUnit.MILLISECONDS.sleep(10);
        }
        done.await(60, TimeUnit.SECONDS);
        return cancelledAt;
    }

    private HttpRequest request(String prompt) {
        return request("", prompt);
    }

    /** A request whose messages are {@code history} (JSON objects, each followed by a comma) and the prompt. */
    private HttpRequest request(CharSequence history, String prompt) {
        String body = "{\"model\":\"bench\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[" + history + "{\"role\":\"user\",\"content\":" + Json.quote(prompt) + "}]}";
        return HttpRequest.newBuilder(endpoint).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** One simulated user: M requests one after the other. Guarded by its own monitor. */
    private final class Session implements Flow.Subscriber<String> {

        private final Level level;
        private final String id;
        private final CountDownLatch done;
        private final Tally tally = new Tally();
        /** A {@link Level#conversation} level's earlier turns, as the request's messages. */
        private final StringBuilder history = new StringBuilder();
        private final StringBuilder answer = new StringBuilder();
        private int sent;

        Session(Level level, String id, CountDownLatch done) {
            this.level = level;
            this.id = id;
            this.done = done;
        }

        synchronized void next() {
            if (sent == level.messages()) {
                done.countDown();
                return;
            }
            sent++;
            String messageId = id + "-" + sent;
            synchronized (tally) {
                tally.sent(messageId);
            }
            String prompt = level.prompt(messageId);
            http.sendAsync(request(history, prompt), HttpResponse.BodyHandlers.fromLineSubscriber(this))
                    .whenComplete((response, failure) -> {
                        if (failure != null || response.statusCode() != 200) {
                            synchronized (tally) {
                                tally.error();
                            }
                        }
                        remember(prompt);
                        next();
                    });
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            long now = System.nanoTime();
            if (!line.startsWith("data: {")) {
                return;
            }
            JsonObject chunk = Json.parse(line.substring(6));
            JsonArray choices = chunk.getJsonArray("choices");
            if (choices == null || choices.isEmpty()) {
                return;
            }
            JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
            String content = delta == null ? null : delta.getString("content", null);
            if (content == null || content.isEmpty()) {
                return;
            }
            synchronized (tally) {
                tally.received(content, now);
            }
            if (level.conversation()) {
                synchronized (this) {
                    answer.append(content);
                }
            }
        }

        /** The turn of {@code prompt} has ended: in a conversation, it and its answer go with the next request. */
        private synchronized void remember(String prompt) {
            if (level.conversation()) {
                history.append("{\"role\":\"user\",\"content\":").append(Json.quote(prompt)).append("},")
                        .append("{\"role\":\"assistant\",\"content\":").append(Json.quote(answer.toString()))
                        .append("},");
                answer.setLength(0);
            }
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }
    }
}
