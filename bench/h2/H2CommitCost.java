import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.UUID;

/**
 * What one commit of Duplex's embedded database costs, without Duplex: the statements of a turn's two writes
 * (the question and an empty answer, then the answer's end) against Duplex's schema in an H2 file, on one
 * thread, each write committed alone, as at 100 sessions. Prints the commit's percentiles every 10,000 turns,
 * then the whole run's, and the bytes H2 wrote per turn.
 *
 * <pre>
 * java -cp ~/.m2/repository/com/h2database/h2/2.2.224/h2-2.2.224.jar bench/h2/H2CommitCost.java [VARIANT] [URL_SUFFIX]
 * </pre>
 * VARIANT, any of (joined with "-"): {@code base}, {@code nostatus} (without the {@code message_status} index),
 * {@code notouch} (the end does not touch the conversation), {@code ckpt} ({@code WRITE_DELAY=500}, so H2's
 * background housekeeping runs, and a {@code CHECKPOINT} after each commit, which keeps it durable),
 * {@code compact} (what Duplex's {@code EmbeddedCompaction} does: {@code MVStore.compact(90, 2 MB)} every 2 s
 * on a thread of its own; {@code -Dcompact.ms} and {@code -Dcompact.bytes} change how often and how much).
 * URL_SUFFIX is added to the JDBC URL, e.g. {@code ";PAGE_SIZE=1024"}. {@code -Dturns=N} (default 20,000),
 * {@code -Ddir=PATH} (default {@code bench/target/h2-commit-cost}, deleted first), {@code -Drate=N} (turns a
 * second, paced, with the file's size printed every 10 s; default 0, as fast as it goes).
 */
public class H2CommitCost {

    private static final int CONVERSATIONS = 100;

    public static void main(String[] args) throws Exception {
        String variant = args.length > 0 ? args[0] : "base";
        boolean checkpoint = variant.contains("ckpt");
        Path dir = Path.of(System.getProperty("dir", "bench/target/h2-commit-cost"));
        delete(dir);
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("duplex") + ";WRITE_DELAY="
                + (checkpoint ? 500 : 0) + ";DB_CLOSE_ON_EXIT=FALSE" + (args.length > 1 ? args[1] : "");
        int turns = Integer.getInteger("turns", 20_000);
        try (Connection c = DriverManager.getConnection(url, "duplex", "duplex")) {
            schema(c, !variant.contains("nostatus"));
            c.setAutoCommit(false);
            String[] conversations = new String[CONVERSATIONS];
            int[] positions = new int[CONVERSATIONS];
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO conversation VALUES (?, 'bench', 'title', NULL, ?, ?)")) {
                for (int i = 0; i < CONVERSATIONS; i++) {
                    conversations[i] = UUID.randomUUID().toString();
                    insert.setString(1, conversations[i]);
                    insert.setObject(2, OffsetDateTime.now());
                    insert.setObject(3, OffsetDateTime.now());
                    insert.executeUpdate();
                    c.commit();
                }
            }
            String answer = "1234567890123456 ".repeat(55); // 50 tokens of the benchmark's answers
            long[] begins = new long[turns];
            long[] ends = new long[turns];
            long writtenBefore = 0;
            Statement statement = c.createStatement();
            java.util.concurrent.ScheduledExecutorService compaction =
                    java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            if (variant.contains("compact")) {
                org.h2.mvstore.MVStore store = ((org.h2.engine.SessionLocal) c.unwrap(org.h2.jdbc.JdbcConnection.class)
                        .getSession()).getDatabase().getStore().getMvStore();
                long every = Long.getLong("compact.ms", 2_000);
                int bytes = Integer.getInteger("compact.bytes", 2 << 20);
                compaction.scheduleWithFixedDelay(() -> store.compact(90, bytes), every, every,
                        java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            int rate = Integer.getInteger("rate", 0);
            long started = System.nanoTime();
            for (int t = 0; t < turns; t++) {
                if (rate > 0) {
                    long due = started + t * 1_000_000_000L / rate;
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    if (t % (rate * 10) == 0) {
                        System.out.printf("%d s, turn %d: file %.1f MB%n", (System.nanoTime() - started) / 1_000_000_000L,
                                t, megabytes(dir));
                    }
                }
                if (t == turns / 4) {
                    writtenBefore = written(c);
                }
                int i = t % CONVERSATIONS;
                OffsetDateTime now = OffsetDateTime.now();
                String answerId = UUID.randomUUID().toString();
                begin(c, conversations[i], positions[i], answerId, now);
                positions[i] += 2;
                long committing = System.nanoTime();
                commit(c, statement, checkpoint);
                long begun = System.nanoTime();
                end(c, answerId, answer, now, !variant.contains("notouch"));
                long ending = System.nanoTime();
                commit(c, statement, checkpoint);
                begins[t] = begun - committing;
                ends[t] = System.nanoTime() - ending;
                if ((t + 1) % 10_000 == 0) {
                    System.out.printf("turn %d: file %.0f MB, %s%n", t + 1, megabytes(dir),
                            percentiles("begin's commit", Arrays.copyOfRange(begins, t - 9_999, t + 1)));
                }
            }
            long[] measured = Arrays.copyOfRange(begins, turns / 4, turns);
            System.out.println("after the first quarter: " + percentiles("begin's commit", measured) + "; "
                    + percentiles("end's commit", Arrays.copyOfRange(ends, turns / 4, turns)));
            System.out.printf("H2 wrote %.1f KB per turn (two commits); the file is %.1f MB%n",
                    (written(c) - writtenBefore) / 1024.0 / measured.length, megabytes(dir));
            compaction.shutdownNow();
        }
    }

    private static void schema(Connection c, boolean statusIndex) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE conversation (id VARCHAR(36) NOT NULL PRIMARY KEY, owner_id VARCHAR(100) NOT NULL,"
                    + " title VARCHAR(200) NOT NULL, system_prompt VARCHAR(100000),"
                    + " created_at TIMESTAMP WITH TIME ZONE NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            s.execute("CREATE INDEX conversation_owner_updated ON conversation (owner_id, updated_at)");
            s.execute("CREATE TABLE message (id VARCHAR(36) NOT NULL PRIMARY KEY, conversation_id VARCHAR(36) NOT NULL"
                    + " REFERENCES conversation (id) ON DELETE CASCADE, position INTEGER NOT NULL,"
                    + " role VARCHAR(16) NOT NULL, content VARCHAR(1000000) NOT NULL, status VARCHAR(16) NOT NULL,"
                    + " superseded BOOLEAN NOT NULL, generation_id VARCHAR(36), model VARCHAR(200),"
                    + " provider VARCHAR(100), finish_reason VARCHAR(50), error_code VARCHAR(50),"
                    + " error_message VARCHAR(2000), input_tokens BIGINT, output_tokens BIGINT,"
                    + " usage_estimated BOOLEAN, cost NUMERIC(24, 10), currency VARCHAR(8),"
                    + " created_at TIMESTAMP WITH TIME ZONE NOT NULL, updated_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            s.execute("CREATE INDEX message_conversation_position ON message (conversation_id, position)");
            if (statusIndex) {
                s.execute("CREATE INDEX message_status ON message (status)");
            }
            s.execute("CREATE INDEX message_generation ON message (generation_id)");
        }
    }

    /** The question, an empty answer, the conversation touched: what {@code ConversationStore.begin} writes. */
    private static void begin(Connection c, String conversation, int position, String answerId, OffsetDateTime now)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO message (id, conversation_id, position, role,"
                + " content, status, superseded, generation_id, model, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, FALSE, ?, ?, ?, ?)");
             PreparedStatement touch = c.prepareStatement("UPDATE conversation SET updated_at = ? WHERE id = ?")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, conversation);
            insert.setInt(3, position);
            insert.setString(4, "user");
            insert.setString(5, "bench id=x tokens=50 interval=20");
            insert.setString(6, "COMPLETE");
            insert.setString(7, null);
            insert.setString(8, null);
            insert.setObject(9, now);
            insert.setObject(10, now);
            insert.executeUpdate();
            insert.setString(1, answerId);
            insert.setInt(3, position + 1);
            insert.setString(4, "assistant");
            insert.setString(5, "");
            insert.setString(6, "STREAMING");
            insert.setString(7, UUID.randomUUID().toString());
            insert.setString(8, "model");
            insert.executeUpdate();
            touch.setObject(1, now);
            touch.setString(2, conversation);
            touch.executeUpdate();
        }
    }

    /** The answer's text and outcome, and (unless not) the conversation touched: what {@code end} writes. */
    private static void end(Connection c, String answerId, String answer, OffsetDateTime now, boolean touch)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE message SET content = ?, status = ?,"
                + " finish_reason = ?, input_tokens = ?, output_tokens = ?, updated_at = ? WHERE id = ?")) {
            update.setString(1, answer);
            update.setString(2, "COMPLETE");
            update.setString(3, "stop");
            update.setLong(4, 10);
            update.setLong(5, 50);
            update.setObject(6, now);
            update.setString(7, answerId);
            update.executeUpdate();
        }
        if (touch) {
            try (PreparedStatement update = c.prepareStatement("UPDATE conversation SET updated_at = ? WHERE id ="
                    + " (SELECT conversation_id FROM message WHERE id = ?)")) {
                update.setObject(1, now);
                update.setString(2, answerId);
                update.executeUpdate();
            }
        }
    }

    private static void commit(Connection c, Statement statement, boolean checkpoint) throws SQLException {
        c.commit();
        if (checkpoint) {
            statement.execute("CHECKPOINT");
        }
    }

    /** The database file's size now. */
    private static double megabytes(Path dir) throws java.io.IOException {
        return Files.size(dir.resolve("duplex.mv.db")) / 1e6;
    }

    private static long written(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT SETTING_VALUE FROM"
                + " INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'info.FILE_WRITE_BYTES'")) {
            return r.next() ? Long.parseLong(r.getString(1)) : -1;
        }
    }

    private static String percentiles(String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("%s p50 %.3f, p90 %.3f, p99 %.3f, max %.3f ms", name, sorted[sorted.length / 2] / 1e6,
                sorted[sorted.length * 9 / 10] / 1e6, sorted[sorted.length * 99 / 100] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }

    private static void delete(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
