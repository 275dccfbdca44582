package dev.duplex.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.config.MapConfig;
import dev.duplex.database.Database;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.threads.RunningThreads;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import jakarta.persistence.Query;
import java.lang.reflect.Proxy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class UserLimitsTest {

    /** A configuration with one limit an operator may change, that counts how often it is read. */
    static final class CountingConfig extends MapConfig {

        final AtomicInteger reads = new AtomicInteger();

        CountingConfig() {
            super("duplex.limits.messages-per-minute", "30");
        }

        @Override
        public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
            reads.incrementAndGet();
            return super.getOptionalValue(name, type);
        }
    }

    @Test
    void aConfiguredLimitIsReadAgainAtMostOnceASecond() {
        CountingConfig config = new CountingConfig();
        UserLimits limits = new UserLimits() {
            @Override
            public Map<String, String> own(String owner) {
                return Map.of(); // no admin overrides: no database
            }
        };
        limits.config = config;

        for (int i = 0; i < 100; i++) {
            assertEquals(30, limits.intValue("user:ann", "messages-per-minute", 0));
        }
        assertEquals(1, config.reads.get(), "one read for a hundred messages");

        config.set("duplex.limits.messages-per-minute", "5"); // an operator changes it
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> limits.intValue("user:ann", "messages-per-minute", 0) == 5);
        assertEquals(20, limits.intValue("user:ann", "max-message-chars", 20), "unset: the caller's default");
    }

    /** A limit set larger than an int holds is the largest int, not its low 32 bits (4294967296 read as 0: none). */
    @Test
    void aLimitLargerThanAnIntIsTheLargestInt() {
        UserLimits limits = new UserLimits() {
            @Override
            public Map<String, String> own(String owner) {
                return Map.of("messages-per-minute", "4294967296", "max-message-chars", "4294967295");
            }
        };
        limits.config = new CountingConfig();
        assertEquals(Integer.MAX_VALUE, limits.intValue("user:ann", "messages-per-minute", 30));
        assertEquals(Integer.MAX_VALUE, limits.intValue("user:ann", "max-message-chars", 30));
    }

    /**
     * What an admin may set: counts are whole, costs may have cents, and nothing longer than the table's column
     * (it was a 503 storage error); a refused set changes nothing.
     */
    @Test
    void countsAreWholeAndNoValueIsLongerThanTheTableKeeps() {
        LimitTable table = new LimitTable();
        UserLimits limits = limits(table);
        try {
            for (Map<String, BigDecimal> refused : List.of(Map.of("messages-per-minute", new BigDecimal("1.5")),
                    Map.of("tokens-per-day", new BigDecimal("0.1")), Map.of("cost-per-day", new BigDecimal("1e60")),
                    Map.of("cost-per-month", new BigDecimal("-1")))) {
                DuplexException refusal = assertThrows(DuplexException.class, () -> limits.set("user:ann", refused));
                assertEquals(ErrorCode.INVALID_FRAME, refusal.code());
                assertTrue(refusal.getMessage().startsWith(refused.keySet().iterator().next()), refusal.getMessage());
            }
            assertEquals(0, table.writes.get(), "nothing was written");
        } finally {
            limits.stop();
        }
    }

    /** A database whose one table is {@code user_limit}, read whole: rows another server could change. */
    static final class LimitTable extends Database {

        final List<Object[]> rows = new CopyOnWriteArrayList<>();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        volatile boolean down;
        private final Query select = (Query) Proxy.newProxyInstance(Query.class.getClassLoader(),
                new Class<?>[] {Query.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("getResultList")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    reads.incrementAndGet();
                    if (down) {
                        throw new PersistenceException("connection refused");
                    }
                    return new ArrayList<>(rows);
                });
        private final EntityManager em = (EntityManager) Proxy.newProxyInstance(
                EntityManager.class.getClassLoader(), new Class<?>[] {EntityManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createNativeQuery")
                            && args[0].equals("SELECT owner_id, limit_name, limit_value FROM user_limit")) {
                        return select;
                    }
                    writes.incrementAndGet();
                    throw new UnsupportedOperationException(method.getName() + " " + Arrays.toString(args));
                });

        @Override
        public <T> T transaction(Function<EntityManager, T> work) {
            return work.apply(em);
        }
    }

    private static UserLimits limits(LimitTable table) {
        UserLimits limits = new UserLimits();
        limits.config = new CountingConfig();
        limits.database = table;
        limits.start();
        return limits;
    }

    @Test
    void anOwnersLimitsAreReadWithEveryOwnersOnceNotPerMessage() {
        LimitTable table = new LimitTable();
        table.rows.add(new Object[] {"user:ann", "messages-per-minute", "7"});
        table.rows.add(new Object[] {"user:ann", "max-message-chars", "100"});
        table.rows.add(new Object[] {"user:bob", "messages-per-minute", "1"});
        UserLimits limits = limits(table);
        try {
            for (int i = 0; i < 100; i++) {
                assertEquals(7, limits.intValue("user:ann", "messages-per-minute", 0));
                assertEquals(1, limits.intValue("user:bob", "messages-per-minute", 0));
                assertEquals(30, limits.intValue("user:cid", "messages-per-minute", 0), "no row: the configured");
            }
            assertEquals(Map.of("messages-per-minute", "7", "max-message-chars", "100"), limits.own("user:ann"));
            assertTrue(table.reads.get() <= 2, "the table is read once (and maybe by the timer), not per message: "
                    + table.reads.get());
        } finally {
            limits.stop();
        }
    }

    @Test
    void aChangeMadeThroughAnotherServerAppliesWithinASecondOrSo() {
        LimitTable table = new LimitTable();
        UserLimits limits = limits(table);
        try {
            assertEquals(Map.of(), limits.own("user:ann"));
            long changed = System.nanoTime();
            table.rows.add(new Object[] {"user:ann", "messages-per-minute", "2"});
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> limits.intValue("user:ann", "messages-per-minute", 0) == 2);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
            assertTrue(tookMs < 3 * UserLimits.REFRESH_MS, "seen after " + tookMs + " ms");

            table.rows.clear(); // an admin elsewhere gives the configured limit back
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> limits.intValue("user:ann", "messages-per-minute", 0) == 30);
        } finally {
            limits.stop();
        }
    }

    @Test
    void aFailedReadKeepsTheLimitsLastReadAndTheNextReadTriesAgain() {
        LimitTable table = new LimitTable();
        table.rows.add(new Object[] {"user:ann", "messages-per-minute", "2"});
        UserLimits limits = limits(table);
        try {
            assertEquals(2, limits.intValue("user:ann", "messages-per-minute", 0));
            table.down = true;
            int before = table.reads.get();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> table.reads.get() >= before + 2);
            assertEquals(2, limits.intValue("user:ann", "messages-per-minute", 0), "still the last read's");

            table.rows.set(0, new Object[] {"user:ann", "messages-per-minute", "9"});
            table.down = false;
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> limits.intValue("user:ann", "messages-per-minute", 0) == 9);
        } finally {
            limits.stop();
        }
    }

    @Test
    void theTimerThreadEndsWithTheBean() {
        UserLimits limits = limits(new LimitTable());
        assertTrue(RunningThreads.named("duplex-limits-") >= 1, "the timer thread runs");
        limits.stop();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> RunningThreads.named("duplex-limits-") == 0);
    }
}
