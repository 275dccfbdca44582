package dev.duplex.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.database.Database;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.persistence.EntityManager;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StoreWriterTest {

    /**
     * A database whose transactions are counted; its entity manager only records flushes and clears (in
     * {@code calls}, with what the writes themselves add) and refuses anything else.
     */
    static final class CountingDatabase extends Database {

        final AtomicInteger transactions = new AtomicInteger();
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        private final EntityManager em = (EntityManager) Proxy.newProxyInstance(
                EntityManager.class.getClassLoader(), new Class<?>[] {EntityManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("flush") || method.getName().equals("clear")) {
                        calls.add(method.getName());
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        @Override
        public <T> T transaction(Function<EntityManager, T> work) {
            transactions.incrementAndGet();
            return work.apply(em);
        }
    }

    private final CountingDatabase database = new CountingDatabase();
    private final StoreWriter writer = new StoreWriter();
    private final ExecutorService callers = Executors.newFixedThreadPool(50);

    @BeforeEach
    void start() {
        writer.database = database;
        writer.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        writer.stop();
        callers.shutdownNow();
        callers.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void writesWaitingTogetherShareOneTransaction() throws Exception {
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        Future<Integer> first = callers.submit(() -> writer.write(em -> {
            firstRunning.countDown();
            await(othersQueued);
            return -1;
        }));
        firstRunning.await();
        List<Future<Integer>> others = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            int n = i;
            others.add(callers.submit(() -> writer.write(em -> n)));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> writer.queued() == 49);
        othersQueued.countDown();
        assertEquals(-1, first.get(5, TimeUnit.SECONDS));
        for (int i = 0; i < 49; i++) {
            assertEquals(i, others.get(i).get(5, TimeUnit.SECONDS), "each caller gets its own result");
        }
        assertEquals(2, database.transactions.get(), "the 49 queued writes committed together");
    }

    @Test
    void eachWriteOfASharedTransactionIsFlushedAndDetachedBeforeTheNext() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> first = holdWriter(release, 0);
        List<CompletableFuture<Integer>> writes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int n = i;
            writes.add(writer.submit(em -> {
                database.calls.add("write " + n);
                if (n == 2) {
                    throw new DuplexException(ErrorCode.CONVERSATION_NOT_FOUND, "no such conversation");
                }
                return n;
            }));
        }
        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        assertEquals(1, writes.get(0).get(5, TimeUnit.SECONDS));
        assertThrows(java.util.concurrent.ExecutionException.class, () -> writes.get(1).get(5, TimeUnit.SECONDS));
        assertEquals(3, writes.get(2).get(5, TimeUnit.SECONDS));
        assertEquals(2, database.transactions.get(), "the first, then the three together");
        assertEquals(List.of("flush", "clear", "write 1", "flush", "clear", "write 2", "clear", "write 3", "flush",
                "clear"), database.calls, "a refused write changed nothing: it is only detached");
    }

    @Test
    void aRefusedWriteFailsAloneAndABrokenOneDoesNotTakeOthersWithIt() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> blocker = callers.submit(() -> writer.write(em -> {
            running.countDown();
            await(release);
            return "first";
        }));
        running.await();
        Future<String> fine = callers.submit(() -> writer.write(em -> "fine"));
        Future<String> refused = callers.submit(() -> writer.write(em -> {
            throw new DuplexException(ErrorCode.CONVERSATION_NOT_FOUND, "no such conversation");
        }));
        Future<String> broken = callers.submit(() -> writer.<String>write(em -> {
            throw new IllegalStateException("database says no");
        }));
        Future<String> alsoFine = callers.submit(() -> writer.write(em -> "also fine"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> writer.queued() == 4);
        release.countDown();

        assertEquals("first", blocker.get(5, TimeUnit.SECONDS));
        assertEquals("fine", fine.get(5, TimeUnit.SECONDS));
        assertEquals("also fine", alsoFine.get(5, TimeUnit.SECONDS));
        var notFound = assertThrows(java.util.concurrent.ExecutionException.class, () -> refused.get(5,
                TimeUnit.SECONDS));
        assertEquals(ErrorCode.CONVERSATION_NOT_FOUND, ((DuplexException) notFound.getCause()).code());
        var failed = assertThrows(java.util.concurrent.ExecutionException.class, () -> broken.get(5,
                TimeUnit.SECONDS));
        assertEquals("database says no", failed.getCause().getMessage());
    }

    @Test
    void submittedWritesNeedNoWaitingThreadAndCompleteOffTheWriter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> first = holdWriter(release, -1);
        List<CompletableFuture<String>> others = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // one thread submits them all: more than one transaction holds (256)
            int n = i;
            others.add(writer.submit(em -> n).thenApply(result -> result + " on " + Thread.currentThread().getName()));
        }
        release.countDown();
        assertEquals(-1, first.get(5, TimeUnit.SECONDS));
        for (int i = 0; i < 300; i++) {
            String completion = others.get(i).get(5, TimeUnit.SECONDS);
            assertTrue(completion.startsWith(i + " on duplex-store-done-"), completion);
        }
        assertEquals(3, database.transactions.get(), "the first, then 256 and 44 queued writes together");
    }

    @Test
    void aTransactionCarriesAtMostSoMuchText() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> first = holdWriter(release, 0);
        long big = StoreWriter.MAX_BATCH_CHARS * 3 / 4;
        List<CompletableFuture<Integer>> writes = List.of(writer.submit(em -> 1, big), writer.submit(em -> 2, big),
                writer.submit(em -> 3), writer.submit(em -> 4, StoreWriter.MAX_BATCH_CHARS * 2));
        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        for (int i = 0; i < writes.size(); i++) {
            assertEquals(i + 1, writes.get(i).get(5, TimeUnit.SECONDS));
        }
        assertEquals(4, database.transactions.get(), "the first; one big; the other big and a small one; the"
                + " heaviest alone");
    }

    @Test
    void afterStopWritesAreRefused() {
        writer.stop();
        DuplexException refused = assertThrows(DuplexException.class, () -> writer.write(em -> "late"));
        assertEquals(ErrorCode.STORAGE_ERROR, refused.code());
    }

    /** A write that holds the writer until {@code release}, then returns {@code result}; returns once it runs. */
    private CompletableFuture<Integer> holdWriter(CountDownLatch release, int result) {
        CompletableFuture<Integer> write = writer.submit(em -> {
            await(release);
            return result;
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> writer.queued() == 0);
        return write;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
