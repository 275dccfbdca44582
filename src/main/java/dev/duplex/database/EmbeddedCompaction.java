package dev.duplex.database;

import dev.duplex.threads.NamedThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.MVStore;

/**
 * Slows the growth of the embedded database's file. H2 writes every commit as a new chunk, and a
 * chunk's space is reused only once none of its pages is live any more; the pages a commit did not change stay
 * live in old, nearly empty chunks. Rewriting those pages into new chunks is H2's compaction, which H2 2.x runs
 * only in its background writer, and that writer does not run with {@code WRITE_DELAY=0} (Duplex's durable
 * default): the file then grew by about 45 KB per turn for as long as the server ran. This timer runs that same
 * compaction ({@link MVStore#compact}) on a thread of its own, a bounded amount at a time; with it the file grew
 * by about 10 KB per turn in the same measurement (docs/benchmarks.md, finding 53). It slows the growth; it does
 * not stop it, and stopping the server compacts further.
 *
 * <p>Chunks younger than H2's retention time (45 s) are never rewritten, so the file also holds about the last
 * 45 s of writes. A compaction holds the store's lock, so commits wait for it: a few milliseconds every
 * {@code duplex.data-compact-interval-ms}.
 *
 * <p>Owned by {@link Database}; {@link #close} ends the thread before the database closes.
 */
final class EmbeddedCompaction implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedCompaction.class.getName());
    /** Compact while live pages fill less than this share (%) of the chunks: H2's own background default. */
    private static final int TARGET_FILL_RATE = 90;
    /** The most a compaction rewrites (bytes): about 5 ms of the store's lock on the benchmark's machine. */
    private static final int WRITE_BYTES = 2 << 20;

    private final JdbcConnectionPool pool;
    /** Whether a failure was logged as a warning: later ones are logged at FINE, not every 2 s. */
    private volatile boolean warned;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.factory("duplex-data-compact"));

    private EmbeddedCompaction(JdbcConnectionPool pool) {
        this.pool = pool;
    }

    /** Compacts {@code pool}'s database every {@code intervalMs} until closed. */
    static EmbeddedCompaction every(long intervalMs, JdbcConnectionPool pool) {
        EmbeddedCompaction compaction = new EmbeddedCompaction(pool);
        compaction.timer.scheduleWithFixedDelay(compaction::compact, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        return compaction;
    }

    /** One bounded compaction; whether it rewrote anything. */
    boolean compact() {
        try (Connection connection = pool.getConnection()) {
            return store(connection).compact(TARGET_FILL_RATE, WRITE_BYTES);
        } catch (SQLException | RuntimeException e) {
            LOG.log(warned ? Level.FINE : Level.WARNING,
                    "Could not compact the embedded database; its file may grow until a restart", e);
            warned = true;
            return false;
        }
    }

    private static MVStore store(Connection connection) throws SQLException {
        SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore();
    }

    @Override
    public void close() {
        NamedThreads.stop(timer);
    }
}
