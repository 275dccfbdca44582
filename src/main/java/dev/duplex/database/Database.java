package dev.duplex.database;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.EntityTransaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The database conversations live in, chosen when the application starts: the JDBC resource named by
 * {@code duplex.db.datasource} (a server-defined pool, PostgreSQL in production), else an embedded H2 database
 * in files under {@code duplex.data-dir} (default {@code ./duplex-data}), so history survives restarts with no
 * set-up. Chosen at run time rather than in a deployment descriptor because Payara resolves {@code ${MPCONFIG=}}
 * in descriptors before the application's own configuration is readable.
 *
 * <p>Threading: thread-safe; each {@link #transaction} runs on the caller's thread with its own entity manager.
 */
@ApplicationScoped
public class Database {

    private static final Logger LOG = Logger.getLogger(Database.class.getName());
    private static final int EMBEDDED_CONNECTIONS = 20;

    @Inject
    @ConfigProperty(name = "duplex.db.datasource")
    Optional<String> jndiName;

    @Inject
    @ConfigProperty(name = "duplex.data-dir", defaultValue = "./duplex-data")
    String dataDir;

    @Inject
    @ConfigProperty(name = "duplex.data-write-delay-ms", defaultValue = "0")
    int writeDelayMs;

    @Inject
    @ConfigProperty(name = "duplex.data-compact-interval-ms", defaultValue = "2000")
    long compactIntervalMs;

    private DataSource dataSource;
    private JdbcConnectionPool embedded;
    private Path embeddedFile;
    private EmbeddedCompaction compaction;
    private EntityManagerFactory entityManagers;

    @PostConstruct
    void open() {
        dataSource = jndiName.filter(name -> !name.isBlank()).map(Database::lookup).orElseGet(this::embedded);
        try {
            entityManagers = DuplexPersistenceUnit.open(dataSource);
        } catch (RuntimeException e) {
            closeEmbedded(); // a failed start must not keep the file locked for the next deployment
            throw e;
        }
    }

    @PreDestroy
    void close() {
        entityManagers.close();
        closeEmbedded();
    }

    private void closeEmbedded() {
        if (compaction != null) {
            compaction.close();
        }
        if (embedded != null) {
            embedded.dispose();
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public long fileBytes() {
        if (embeddedFile == null) {
            return 0;
        }
        try {
            return Files.size(embeddedFile);
        } catch (IOException e) {
            return 0; // not created yet, or removed
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T transaction(Function<EntityManager, T> work) {
        EntityManager em = entityManagers.createEntityManager();
        EntityTransaction tx = em.getTransaction();
        try {
            tx.begin();
            T result = work.apply(em);
            tx.commit();
            return result;
        } finally {
            if (tx.isActive()) {
                tx.rollback();
            }
            em.close();
        }
    }

    private static DataSource lookup(String name) {
        try {
            LOG.info(() -> "Conversations are stored in the data source " + name);
            return (DataSource) new InitialContext().lookup(name);
        } catch (NamingException e) {
            throw new IllegalStateException("duplex.db.datasource names " + name + ", which is not a data source"
                    + " this server defines", e);
        }
    }

    /**
     * H2 in files. {@code duplex.data-write-delay-ms} is H2's WRITE_DELAY: 0 (the default) makes every commit
     * reach the file at once, so a killed server loses nothing; more lets H2 write several commits at once, and a
     * killed server can lose the commits of that last moment. {@link EmbeddedCompaction} slows the file's growth,
     * every {@code duplex.data-compact-interval-ms} (0: never).
     */
    private DataSource embedded() {
        Path directory = Path.of(dataDir).toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create duplex.data-dir " + directory, e);
        }
        LOG.info(() -> "Conversations are stored in the embedded database under " + directory);
        embeddedFile = directory.resolve("duplex.mv.db");
        embedded = JdbcConnectionPool.create("jdbc:h2:file:" + directory.resolve("duplex")
                + ";WRITE_DELAY=" + Math.max(0, writeDelayMs) + ";DB_CLOSE_ON_EXIT=FALSE", "duplex", "duplex");
        embedded.setMaxConnections(EMBEDDED_CONNECTIONS);
        if (compactIntervalMs > 0) {
            compaction = EmbeddedCompaction.every(compactIntervalMs, embedded);
        }
        return embedded;
    }
}
