package dev.duplex.chat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JSON-B instances frames and records are read and written with (thread-safe, costly to create): one for each
 * application-scoped bean that injects one, closed with it on undeploy. Dependent rather than application-scoped
 * so that no CDI client proxy (a reflective call per use) stands between a token frame and its encoder.
 */
@ApplicationScoped
public class JsonbProducer {

    private static final Logger LOG = Logger.getLogger(JsonbProducer.class.getName());

    @Produces
    @Dependent
    Jsonb jsonb() {
        return JsonbBuilder.create();
    }

    void close(@Disposes Jsonb jsonb) {
        try {
            jsonb.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "Closing JSON-B failed", e);
        }
    }
}
