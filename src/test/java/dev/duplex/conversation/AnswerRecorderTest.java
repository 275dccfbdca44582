package dev.duplex.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnswerRecorderTest {

    /** A store that keeps the answer as the database would, and can be told to fail saves. */
    static final class RecordingStore extends ConversationStore {

        final StringBuilder stored = new StringBuilder();
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger failNext = new AtomicInteger();

        @Override
        public synchronized CompletableFuture<Void> savePartial(String answerId, String text, int from) {
            boolean append = from > 0;
            calls.add((append ? "append:" : "whole:") + text);
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return CompletableFuture.failedFuture(new IllegalStateException("disk full"));
            }
            if (!append) {
                stored.setLength(0);
            }
            stored.append(text);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public synchronized CompletableFuture<Void> end(String answerId, AnswerOutcome outcome) {
            calls.add("end:" + outcome.text());
            stored.setLength(0);
            stored.append(outcome.text());
            return CompletableFuture.completedFuture(null);
        }

        synchronized String stored() {
            return stored.toString();
        }
    }

    private final RecordingStore store = new RecordingStore();
    private final AnswerRecorder recorder = new AnswerRecorder();
    private final StringBuffer answer = new StringBuffer();

    @BeforeEach
    void start() {
        recorder.store = store;
        recorder.saveIntervalMs = 5;
        recorder.saveThreads = 1;
        recorder.start();
    }

    @AfterEach
    void stop() {
        recorder.stop();
    }

    @Test
    void savesSendOnlyWhatIsNewAndTheWholeTextAfterAFailure() {
        AnswerRecorder.Recording recording = recorder.record("a1", answer::toString);
        answer.append("Hello");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> store.stored().equals("Hello"));
        answer.append(", world");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> store.stored().equals("Hello, world"));
        store.failNext.set(1);
        answer.append("!");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> store.failNext.get() == 0);
        answer.append("?");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> store.stored().equals("Hello, world!?"));

        assertEquals(List.of("whole:Hello", "append:, world"), store.calls.subList(0, 2));
        int failed = store.calls.indexOf("append:!");
        assertFalse(failed < 0, "the failed save was an append: " + store.calls);
        assertTrue(store.calls.get(failed + 1).startsWith("whole:Hello, world!"),
                "after a failed save the whole text goes again: " + store.calls);
        answer.append(" Done.");
        recording.finish(new AnswerOutcome(answer.toString(), MessageStatus.COMPLETE, null, null, "stop", null, null,
                null, null, null, null, null)).toCompletableFuture().join();
        assertEquals("end:Hello, world!? Done.", store.calls.get(store.calls.size() - 1));
    }
}
