package dev.duplex.conversation;

import dev.duplex.database.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.flywaydb.core.Flyway;

/**
 * At deployment, before any request: brings the schema up to date with Flyway (db/migration), then marks the
 * answers a stopped server left streaming as interrupted ({@link ServerPresence}). A failure here fails the
 * deployment, loudly, rather than serving with a schema the code does not expect.
 */
@ApplicationScoped
public class SchemaMigration {

    private static final Logger LOG = Logger.getLogger(SchemaMigration.class.getName());

    @Inject
    Database database;

    @Inject
    ServerPresence presence;

    void migrate(@Observes @Initialized(ApplicationScoped.class) Object started) {
        var result = Flyway.configure(getClass().getClassLoader())
                .dataSource(database.dataSource())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) {
            LOG.info(() -> "Database schema migrated to version " + result.targetSchemaVersion + " ("
                    + result.migrationsExecuted + " migrations, " + result.database + ")");
        }
        int interrupted = presence.start();
        if (interrupted > 0) {
            LOG.warning(() -> interrupted + " answers were left streaming by the last run: marked interrupted");
        }
    }
}
