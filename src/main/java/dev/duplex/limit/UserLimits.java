package dev.duplex.limit;

import dev.duplex.conversation.Database;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.Config;

/**
 * The limits that apply to one owner: what an admin set for them, else {@code duplex.limits.<name>} from the
 * configuration. The names are the configuration's: {@link #NAMES}. An owner's own limits are read from the
 * database once and kept until an admin changes them (this server's copy; another server of a cluster sees a
 * change at its next restart). The configured limits are read again at most once a second: reading MicroProfile
 * Config on Payara asks each of its config sources, and a message needs six limits.
 *
 * <p>Threading: thread-safe.
 */
@ApplicationScoped
public class UserLimits {

    public static final Set<String> NAMES = Set.of("messages-per-minute", "max-connections-per-user",
            "max-message-chars", "tokens-per-day", "tokens-per-month", "cost-per-day", "cost-per-month");

    private static final int MAX_CACHED = 10_000;
    private static final long REREAD_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Inject
    Config config;

    @Inject
    Database database;

    private final Map<String, Map<String, String>> own = new ConcurrentHashMap<>();
    private final Map<String, Configured> configured = new ConcurrentHashMap<>();

    /** A configured limit as read at {@code atNanos}. */
    private record Configured(Optional<BigDecimal> value, long atNanos) {
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

    public int intValue(String owner, String name, int fallback) {
        return get(owner, name).map(BigDecimal::intValue).orElse(fallback);
    }

    /** What an admin set for {@code owner}, by name. */
    public Map<String, String> own(String owner) {
        if (own.size() > MAX_CACHED) {
            own.clear(); // every anonymous browser is an owner: the cache must not grow for ever
        }
        return own.computeIfAbsent(owner, this::load);
    }

    /** Replaces {@code owner}'s own limits: a name with a null value goes back to the configuration's. */
    public Map<String, String> set(String owner, Map<String, BigDecimal> limits) {
        for (Map.Entry<String, BigDecimal> limit : limits.entrySet()) {
            if (!NAMES.contains(limit.getKey())) {
                throw new DuplexException(ErrorCode.INVALID_FRAME, "Unknown limit \"" + limit.getKey()
                        + "\"; limits are " + String.join(", ", NAMES.stream().sorted().toList()) + ".");
            }
            if (limit.getValue() != null && limit.getValue().signum() < 0) {
                throw new DuplexException(ErrorCode.INVALID_FRAME, limit.getKey() + " cannot be negative.");
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
        own.remove(owner);
        return own(owner);
    }

    /** Forgets {@code owner}'s own limits (their account is gone). */
    public void forget(String owner) {
        database.transaction(em -> em.createNativeQuery("DELETE FROM user_limit WHERE owner_id = ?")
                .setParameter(1, owner).executeUpdate());
        own.remove(owner);
    }

    private Map<String, String> load(String owner) {
        List<?> rows = database.transaction(em -> em.createNativeQuery(
                "SELECT limit_name, limit_value FROM user_limit WHERE owner_id = ?").setParameter(1, owner)
                .getResultList());
        Map<String, String> limits = new TreeMap<>();
        for (Object row : rows) {
            Object[] columns = (Object[]) row;
            limits.put((String) columns[0], (String) columns[1]);
        }
        return Map.copyOf(limits);
    }
}
