package dev.duplex.metrics;

import dev.duplex.chat.ChatSessions;
import dev.duplex.chat.LiveGenerations;
import dev.duplex.conversation.StoreWriter;
import dev.duplex.database.Database;
import dev.duplex.limit.GenerationSlots;
import dev.duplex.stream.UpstreamClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * Duplex's gauges, listed once for whichever metrics facility the server has: MicroProfile Metrics on Payara
 * ({@link MicroProfileGauges}), Micrometer on WildFly ({@link MicrometerGauges}). WEB-INF/beans.xml leaves out
 * the publisher whose API the server does not have. docs/operations.md documents each name.
 */
@ApplicationScoped
public class DuplexGauges {

    @Inject
    ChatSessions sessions;

    @Inject
    LiveGenerations generations;

    @Inject
    GenerationSlots slots;

    @Inject
    UpstreamClient upstream;

    @Inject
    StoreWriter writer;

    @Inject
    Database database;

    /**
     * The gauges, each read once before they are returned, which creates every bean they read: publishers call
     * this at the deployment's start, before any scrape. A bean first created by a scrape is created on the
     * server's metrics thread, outside the application's context, and on Payara its settings were then the
     * defaults rather than the application's: LimitsIT found {@code GenerationSlots} with the default limit of
     * 2000 generations instead of its 1.
     */
    public List<GaugeDefinition> all() {
        List<GaugeDefinition> all = definitions();
        all.forEach(gauge -> gauge.value().get());
        return all;
    }

    private List<GaugeDefinition> definitions() {
        return List.of(
                new GaugeDefinition("duplex.sessions.open", GaugeDefinition.NONE,
                        "WebSocket chat sessions currently open", sessions::count),
                new GaugeDefinition("duplex.generations.running", GaugeDefinition.NONE,
                        "Generations running now, watched by a client or not", generations::running),
                new GaugeDefinition("duplex.resume.buffered", GaugeDefinition.BYTES,
                        "Memory held by the replay buffers of running and recently ended generations",
                        generations::bufferedBytes),
                new GaugeDefinition("duplex.generations.slots.free", GaugeDefinition.NONE,
                        "Generations that may still start before the server refuses with overloaded", slots::free),
                new GaugeDefinition("duplex.upstream.generations.running", GaugeDefinition.NONE,
                        "Generations the upstream client has not ended yet, waiting for a retry included",
                        upstream::runningGenerations),
                new GaugeDefinition("duplex.upstream.exchanges.open", GaugeDefinition.NONE,
                        "Upstream HTTP exchanges currently open", upstream::openExchanges),
                new GaugeDefinition("duplex.store.writes", GaugeDefinition.NONE,
                        "Writes to the conversation store since the start, committed or not", writer::writes),
                new GaugeDefinition("duplex.store.transactions", GaugeDefinition.NONE,
                        "Transactions the store writer has run since the start; writes per transaction is how"
                                + " well group commit works", writer::transactions),
                new GaugeDefinition("duplex.data.file", GaugeDefinition.BYTES,
                        "Size of the embedded database's file; 0 when conversations are in a server's data source",
                        database::fileBytes));
    }
}
