package dev.duplex.usage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * Records every generation for accounting: one JSON line per generation on the logger {@code dev.duplex.usage}
 * (route it to its own file with the server's logging configuration), running totals per model since start, and
 * the latest 1,000 records for {@code GET /api/usage}.
 *
 * <p>Threading: thread-safe; {@link #record} is called once per generation from HttpClient or caller threads.
 */
@ApplicationScoped
public class UsageLedger {

    private static final Logger USAGE = Logger.getLogger("dev.duplex.usage");
    private static final int RECENT = 1000;

    /** Totals for one model since the server started. */
    public record ModelTotals(String model, long generations, long inputTokens, long outputTokens,
                              long estimatedGenerations, BigDecimal cost, String currency) {

        ModelTotals add(GenerationRecord record) {
            return new ModelTotals(model, generations + 1, inputTokens + record.inputTokens(),
                    outputTokens + record.outputTokens(), estimatedGenerations + (record.estimated() ? 1 : 0),
                    record.cost() == null ? cost : (cost == null ? record.cost() : cost.add(record.cost())),
                    record.currency() != null ? record.currency() : currency);
        }
    }

    @Inject
    Jsonb jsonb;

    private final Deque<GenerationRecord> recent = new ArrayDeque<>();
    private final Map<String, ModelTotals> totals = new TreeMap<>();

    public void record(GenerationRecord record) {
        USAGE.info(() -> jsonb.toJson(record));
        synchronized (this) {
            recent.addFirst(record);
            if (recent.size() > RECENT) {
                recent.removeLast();
            }
            totals.merge(record.model(), new ModelTotals(record.model(), 0, 0, 0, 0, null, null).add(record),
                    (old, one) -> old.add(record));
        }
    }

    public synchronized List<GenerationRecord> recent(int limit) {
        return recent.stream().limit(Math.max(0, limit)).toList();
    }

    public synchronized List<ModelTotals> totals() {
        return new ArrayList<>(totals.values());
    }

    @PreDestroy
    synchronized void clear() {
        recent.clear();
        totals.clear();
    }
}
