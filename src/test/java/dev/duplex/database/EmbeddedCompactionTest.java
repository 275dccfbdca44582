package dev.duplex.database;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.threads.RunningThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database's file under a steady stream of small commits, as Duplex writes them ({@code
 * WRITE_DELAY=0}), with and without {@link EmbeddedCompaction}. H2's retention time is 0 here (45 s in Duplex)
 * so that what a compaction frees is reusable at once and the test does not depend on timing; the paced
 * measurement with Duplex's settings is {@code bench/h2/H2CommitCost.java}'s (docs/benchmarks.md, finding 53).
 */
class EmbeddedCompactionTest {

    private static final int TURNS = 4_000;
    /** Turns written before the file's growth is measured. */
    private static final int SETTLING = 1_000;

    @TempDir
    Path dir;

    @Test
    void theFileGrowsLessWhenCompactedAndKeepsItsData() throws Exception {
        long control = growth("control", pool -> null, false);
        long compacted = growth("compacted", pool -> EmbeddedCompaction.every(60_000, pool), true);
        long timed = growth("timed", pool -> EmbeddedCompaction.every(10, pool), false);

        assertTrue(control > 2 * compacted, "over " + (TURNS - SETTLING) + " turns the file grew by " + control
                + " bytes without compaction, by " + compacted + " compacted every 100 turns");
        assertTrue(control > 2 * timed, "over " + (TURNS - SETTLING) + " turns the file grew by " + control
                + " bytes without compaction, by " + timed + " with the timer");
    }

    @Test
    void closingEndsTheCompactionThread() throws Exception {
        JdbcConnectionPool pool = pool("closed");
        try {
            EmbeddedCompaction compaction = EmbeddedCompaction.every(10, pool);
            assertTrue(RunningThreads.named("duplex-data-compact") >= 1, "the compaction thread runs");
            compaction.close();
            // a pool's last thread ends just after the pool reports itself terminated; other tests' close too
            await().atMost(Duration.ofSeconds(5)).until(() -> RunningThreads.named("duplex-data-compact") == 0);
        } finally {
            pool.dispose();
        }
    }

    @Test
    void aDatabaseThatIsGoneIsReportedOnceAsAWarningNotThrown() {
        JdbcConnectionPool pool = pool("gone");
        pool.dispose();
        List<Level> logged = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger(EmbeddedCompaction.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getLevel());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level level = logger.getLevel();
        logger.setLevel(Level.FINE);
        logger.addHandler(handler);
        EmbeddedCompaction compaction = EmbeddedCompaction.every(60_000, pool);
        try {
            assertFalse(compaction.compact());
            assertFalse(compaction.compact());
            assertEquals(List.of(Level.WARNING, Level.FINE), logged);
        } finally {
            compaction.close();
            logger.removeHandler(handler);
            logger.setLevel(level);
        }
    }

    /**
     * Writes turns as Duplex does: a question and an empty answer in one commit, the answer's text in the next,
     * beside the compaction made by {@code compactions} (none when it gives null), which also runs every 250
     * turns on this thread, between commits, when {@code inline}. Checks every message holds what was last
     * written to it and returns how much the file grew after the first {@link #SETTLING} turns.
     */
    private long growth(String name, Function<JdbcConnectionPool, EmbeddedCompaction> compactions,
            boolean inline) throws Exception {
        JdbcConnectionPool pool = pool(name);
        EmbeddedCompaction compaction = compactions.apply(pool);
        try (Connection c = pool.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE message (id INTEGER PRIMARY KEY, conversation INTEGER NOT NULL,"
                        + " content VARCHAR(100000) NOT NULL)");
                s.execute("CREATE INDEX message_conversation ON message (conversation, id)");
            }
            c.setAutoCommit(false);
            String answer = "token ".repeat(200);
            long settled = 0;
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO message VALUES (?, ?, ?)");
                 PreparedStatement update = c.prepareStatement("UPDATE message SET content = ? WHERE id = ?")) {
                for (int turn = 0; turn < TURNS; turn++) {
                    if (turn == SETTLING) {
                        settled = size(name);
                    }
                    for (int m = 0; m < 2; m++) {
                        insert.setInt(1, 2 * turn + m);
                        insert.setInt(2, turn % 100);
                        insert.setString(3, m == 0 ? "question " + turn : "");
                        insert.executeUpdate();
                    }
                    c.commit();
                    update.setString(1, answer + turn);
                    update.setInt(2, 2 * turn + 1);
                    update.executeUpdate();
                    c.commit();
                    if (inline && turn % 100 == 99) {
                        compaction.compact();
                    }
                }
            }
            try (Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("SELECT id, content FROM message ORDER BY id")) {
                for (int id = 0; id < 2 * TURNS; id++) {
                    assertTrue(rows.next(), "message " + id + " is there");
                    assertEquals(id, rows.getInt(1));
                    assertEquals(id % 2 == 0 ? "question " + id / 2 : answer + id / 2, rows.getString(2));
                }
                assertFalse(rows.next());
            }
            return size(name) - settled; // before closing, which compacts too
        } finally {
            if (compaction != null) {
                compaction.close();
            }
            pool.dispose();
        }
    }

    private long size(String name) throws IOException {
        return Files.size(dir.resolve(name).resolve("duplex.mv.db"));
    }

    private JdbcConnectionPool pool(String name) {
        return JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve(name).resolve("duplex")
                + ";WRITE_DELAY=0;RETENTION_TIME=0;DB_CLOSE_ON_EXIT=FALSE", "duplex", "duplex");
    }
}
