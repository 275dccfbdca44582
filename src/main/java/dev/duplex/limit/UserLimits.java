package dev.duplex.limit;

import dev.duplex.database.Database;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.threads.NamedThreads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * The limits that apply to one owner: what an admin set for them, else {@code duplex.limits.<name>} from the
 * configuration. The names are the configuration's: {@link #NAMES}. The admins' limits ({@code user_limit}: one
 * row per owner and limit an admin set, so a small table) are held whole and read again every second, so no
 * message waits for the database to learn its owner's limits, and a change made through another server of a
 * cluster applies here within a second; a change made through this server applies at once. The configured
 * limits are read again at most once a second: reading MicroProfile Config on Payara asks each of its config
 * sources, and a message needs six limits.
 *
 * <p>Threading: thread-safe. One timer thread ({@code duplex-limits}) reads the table again; it is this bean's
 * and ends with it. A read that fails keeps the limits last read (and is logged); the next one tries again.
 */
@ApplicationScoped
public class UserLimits {

    public static final Set<String> NAMES = Set.of("messages-per-minute", "max-connections-per-user",
            "max-message-chars", "tokens-per-day", "tokens-per-month", "cost-per-day", "cost-per-month");

    private static final Logger LOG = Logger.getLogger(UserLimits.class.getName());
    static final long REFRESH_MS = 1000;
    /** What the {@code user_limit} table keeps of a value, written out. */
    private static final int MAX_VALUE_CHARS = 50;
    private static final long REREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(REFRESH_MS);

    @Inject
    Config config;

    @Inject
    Database database;

    /** Every owner's own limits, by owner then name; null until first read. Replaced whole, under {@link #reading}. */
    private volatile Map<String, Map<String, String>> own;
    private final Object reading = new Object();
    private final Map<String, Configured> configured = new ConcurrentHashMap<>();
    private ScheduledThreadPoolExecutor timer;
    private boolean lastReadFailed;

    /** A configured limit as read at {@code atNanos}. */
    private record Configured(Optional<BigDecimal> value, long atNanos) {
    }

    @PostConstruct
    void start() {
        timer = new ScheduledThreadPoolExecutor(1, NamedThreads.factory("duplex-limits"));
        timer.scheduleWithFixedDelay(this::refresh, REFRESH_MS, REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /** The limit {@code name} for {@code owner}, or empty when neither the admin nor the configuration set one. */
    public Optional<BigDecimal> get(String owner, String name) {
        String value = own(owner).get(name);
        if (value != null) {
            return Optional.of(new BigDecimal(value));
        }
        return configured(name);
    }

    private Optional<BigDecimal> configured(String name) {
        long now = System.nanoTime();
        Configured known = configured.get(name);
        if (known == null || now - known.atNanos() > REREAD_NANOS) {
            known = new Configured(config.getOptionalValue("duplex.limits." + name, BigDecimal.class), now);
            configured.put(name, known);
        }
        return known.value();
    }

    /** The limit as an int: one larger than an int can hold is the largest int, not what its low bits say. */
    public int intValue(String owner, String name, int fallback) {
        return get(owner, name).map(value -> value.min(BigDecimal.valueOf(Integer.MAX_VALUE)).intValue())
                .orElse(fallback);
    }

    /** What an admin set for {@code owner}, by name. */
    public Map<String, String> own(String owner) {
        Map<String, Map<String, String>> known = own;
        if (known == null) {
            known = read(); // the first use: once per server
        }
        return known.getOrDefault(owner, Map.of());
    }

    /** Replaces {@code owner}'s own limits: a name with a null value goes back to the configuration's. */
    public Map<String, String> set(String owner, Map<String, BigDecimal> limits) {
        for (Map.Entry<String, BigDecimal> limit : limits.entrySet()) {
            if (!NAMES.contains(limit.getKey())) {
                throw new DuplexException(ErrorCode.INVALID_FRAME, "Unknown limit \"" + limit.getKey()
                        + "\"; limits are " + String.join(", ", NAMES.stream().sorted().toList()) + ".");
            }
            BigDecimal value = limit.getValue();
            if (value == null) {
                continue;
            }
            if (value.signum() < 0) {
                throw new DuplexException(ErrorCode.INVALID_FRAME, limit.getKey() + " cannot be negative.");
            }
            if (!limit.getKey().startsWith("cost-") && value.stripTrailingZeros().scale() > 0) {
                throw new DuplexException(ErrorCode.INVALID_FRAME, limit.getKey() + " is a count: a whole number.");
            }
            if (value.toPlainString().length() > MAX_VALUE_CHARS) {
                throw new DuplexException(ErrorCode.INVALID_FRAME, limit.getKey() + " is too large or too precise: at"
                        + " most " + MAX_VALUE_CHARS + " digits.");
            }
        }
        database.transaction(em -> {
            for (Map.Entry<String, BigDecimal> limit : limits.entrySet()) {
                em.createNativeQuery("DELETE FROM user_limit WHERE owner_id = ? AND limit_name = ?")
                        .setParameter(1, owner).setParameter(2, limit.getKey()).executeUpdate();
                if (limit.getValue() != null) {
                    em.createNativeQuery("INSERT INTO user_limit (owner_id, limit_name, limit_value) VALUES (?, ?, ?)")
                            .setParameter(1, owner).setParameter(2, limit.getKey())
                            .setParameter(3, limit.getValue().toPlainString()).executeUpdate();
                }
            }
            return null;
        });
        return read().getOrDefault(owner, Map.of());
    }

    /** Forgets {@code owner}'s own limits (their account is gone). */
    public void forget(String owner) {
        database.transaction(em -> em.createNativeQuery("DELETE FROM user_limit WHERE owner_id = ?")
                .setParameter(1, owner).executeUpdate());
        read();
    }

    /** The timer's read: a failure keeps what was read last and is logged once until a read succeeds again. */
    private void refresh() {
        try {
            read();
            lastReadFailed = false;
        } catch (RuntimeException e) {
            if (!lastReadFailed) {
                LOG.log(Level.WARNING, "Could not read the admins' limits again; the limits last read still apply", e);
            }
            lastReadFailed = true;
        }
    }

    /**
     * Reads the whole table. Reads run one at a time, so a read that began before a change of this server was
     * committed cannot replace the read that change makes after its commit.
     */
    private Map<String, Map<String, String>> read() {
        synchronized (reading) {
            List<?> rows = database.transaction(em -> em.createNativeQuery(
                    "SELECT owner_id, limit_name, limit_value FROM user_limit").getResultList());
            Map<String, Map<String, String>> byOwner = new HashMap<>();
            for (Object row : rows) {
                Object[] columns = (Object[]) row;
                byOwner.computeIfAbsent((String) columns[0], owner -> new TreeMap<>())
                        .put((String) columns[1], (String) columns[2]);
            }
            Map<String, Map<String, String>> read = new HashMap<>();
            byOwner.forEach((owner, limits) -> read.put(owner, Collections.unmodifiableMap(limits)));
            own = read;
            return read;
        }
    }
}
