package dev.duplex.limit;

import dev.duplex.database.Database;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.provider.Cost;
import dev.duplex.provider.ModelEntry;
import dev.duplex.provider.Usage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per-user token and cost budgets per UTC day and month ({@code duplex.limits.tokens-per-day},
 * {@code .tokens-per-month}, {@code .cost-per-day}, {@code .cost-per-month}; unset: no budget). Before the call a
 * generation reserves its most: the question's estimated tokens plus the model's maximum output (4096 when not
 * configured), and that at the model's prices. The reservation is one conditional UPDATE per period, so messages
 * that race can never together pass a budget. When the generation ends it settles: the reservation is released
 * and the provider's real usage and cost counted. A generation the budget cannot cover is {@code budget_exceeded}.
 *
 * <p>Threading: thread-safe; each method is one or two short transactions on the caller's thread (JDBC).
 */
@ApplicationScoped
public class Budgets {

    static final long DEFAULT_MAX_OUTPUT = 4096;

    @Inject
    UserLimits userLimits;

    @Inject
    Database database;

    private final Clock clock = Clock.systemUTC();

    /** What a running generation holds, to be given back by {@link #settle}. */
    public record Reservation(String owner, List<String> periods, long tokens, BigDecimal cost) {
    }

    /** Reserves for one generation, or throws {@code budget_exceeded}; null when no budget is configured. */
    public Reservation reserve(String owner, ModelEntry model, String currency, long questionTokens) {
        List<Limit> limits = limits(owner);
        if (limits.isEmpty()) {
            return null;
        }
        long output = model.maxOutputTokens() != null ? model.maxOutputTokens() : DEFAULT_MAX_OUTPUT;
        long tokens = questionTokens + output;
        Cost most = model.cost(new Usage(questionTokens, output, null), currency);
        BigDecimal cost = most == null ? BigDecimal.ZERO : most.total();
        LocalDate today = LocalDate.now(clock);
        List<String> periods = limits.stream().map(limit -> limit.period(today)).distinct().toList();
        periods.forEach(period -> ensureRow(owner, period));
        database.transaction(em -> {
            for (Limit limit : limits) {
                if (!take(em, owner, limit, limit.period(today), tokens, cost)) {
                    throw limit.exceeded(today, currency);
                }
            }
            return null;
        });
        return new Reservation(owner, periods, tokens, cost);
    }

    /** Where one of the owner's budgets stands: its amount, what is used, what running generations reserve. */
    public record Standing(String name, BigDecimal amount, BigDecimal used, BigDecimal reserved, Instant renewsAt) {
    }

    /** Where each of the owner's budgets stands now, in the order of {@link #limits}; empty when none is set. */
    public List<Standing> standing(String owner) {
        List<Limit> limits = limits(owner);
        if (limits.isEmpty()) {
            return List.of();
        }
        LocalDate today = LocalDate.now(clock);
        return database.transaction(em -> limits.stream().map(limit -> {
            List<?> rows = em.createNativeQuery("SELECT used_tokens, reserved_tokens, used_cost, reserved_cost"
                            + " FROM usage_budget WHERE owner_id = ? AND period = ?")
                    .setParameter(1, owner).setParameter(2, limit.period(today)).getResultList();
            Object[] row = rows.isEmpty() ? new Object[] {0, 0, 0, 0} : (Object[]) rows.get(0);
            int column = limit.tokens() ? 0 : 2;
            return new Standing(limit.name(), limit.amount(), decimal(row[column]), decimal(row[column + 1]),
                    limit.renews(today).atStartOfDay(ZoneOffset.UTC).toInstant());
        }).toList());
    }

    private static BigDecimal decimal(Object number) {
        BigDecimal value = new BigDecimal(number.toString()).stripTrailingZeros();
        return value.scale() < 0 ? value.setScale(0) : value;
    }

    /** Gives the reservation back and counts what the generation really used. */
    public void settle(Reservation reservation, Usage usage, Cost cost) {
        if (reservation == null) {
            return;
        }
        long used = usage == null ? 0 : usage.inputTokens() + usage.outputTokens();
        BigDecimal spent = cost == null ? BigDecimal.ZERO : cost.total();
        database.transaction(em -> {
            for (String period : reservation.periods()) {
                em.createNativeQuery("UPDATE usage_budget SET reserved_tokens = reserved_tokens - ?,"
                                + " used_tokens = used_tokens + ?, reserved_cost = reserved_cost - ?,"
                                + " used_cost = used_cost + ? WHERE owner_id = ? AND period = ?")
                        .setParameter(1, reservation.tokens()).setParameter(2, used)
                        .setParameter(3, reservation.cost()).setParameter(4, spent)
                        .setParameter(5, reservation.owner()).setParameter(6, period).executeUpdate();
            }
            return null;
        });
    }

    /** The reservation, if it fits under the limit: one statement, so concurrent reservations queue on the row. */
    private static boolean take(EntityManager em, String owner, Limit limit, String period, long tokens,
                                BigDecimal cost) {
        String fits = limit.tokens()
                ? "used_tokens + reserved_tokens + ? <= ?"
                : "used_cost + reserved_cost + ? <= ?";
        return em.createNativeQuery("UPDATE usage_budget SET reserved_tokens = reserved_tokens + ?,"
                        + " reserved_cost = reserved_cost + ? WHERE owner_id = ? AND period = ? AND " + fits)
                .setParameter(1, tokens).setParameter(2, cost).setParameter(3, owner).setParameter(4, period)
                .setParameter(5, limit.tokens() ? (Object) tokens : cost)
                .setParameter(6, limit.amount()).executeUpdate() == 1;
    }

    /** The owner's row for the period, created at zero if missing (a concurrent creation is as good). */
    private void ensureRow(String owner, String period) {
        try {
            database.transaction(em -> em.createNativeQuery("INSERT INTO usage_budget (owner_id, period,"
                            + " used_tokens, reserved_tokens, used_cost, reserved_cost) SELECT ?, ?, 0, 0, 0, 0"
                            + " WHERE NOT EXISTS (SELECT 1 FROM usage_budget WHERE owner_id = ? AND period = ?)")
                    .setParameter(1, owner).setParameter(2, period).setParameter(3, owner).setParameter(4, period)
                    .executeUpdate());
        } catch (PersistenceException concurrentlyCreated) {
            // another generation of the same owner inserted it first
        }
    }

    /** The owner's budgets: an admin's for them, else the configured ones; 0 means none. */
    private List<Limit> limits(String owner) {
        List<Limit> limits = new ArrayList<>();
        amount(owner, "tokens-per-day").ifPresent(a -> limits.add(new Limit(true, true, a)));
        amount(owner, "tokens-per-month").ifPresent(a -> limits.add(new Limit(true, false, a)));
        amount(owner, "cost-per-day").ifPresent(a -> limits.add(new Limit(false, true, a)));
        amount(owner, "cost-per-month").ifPresent(a -> limits.add(new Limit(false, false, a)));
        return limits;
    }

    private Optional<BigDecimal> amount(String owner, String name) {
        return userLimits.get(owner, name).filter(a -> a.signum() > 0);
    }

    /** One budget: tokens or cost, per day or per month. */
    private record Limit(boolean tokens, boolean daily, BigDecimal amount) {

        String period(LocalDate today) {
            return daily ? "D" + today : "M" + today.toString().substring(0, 7);
        }

        /** The limit's name, as {@code duplex.limits.<name>} and the admin's API call it. */
        String name() {
            return (tokens ? "tokens-per-" : "cost-per-") + (daily ? "day" : "month");
        }

        /** The first day of the next period (UTC). */
        LocalDate renews(LocalDate today) {
            return daily ? today.plusDays(1) : today.withDayOfMonth(1).plusMonths(1);
        }

        DuplexException exceeded(LocalDate today, String currency) {
            LocalDate resets = renews(today);
            long waitMs = java.time.Duration.between(ZonedDateTime.now(ZoneOffset.UTC),
                    resets.atStartOfDay(ZoneOffset.UTC)).toMillis();
            String what = tokens ? amount.toPlainString() + " tokens" : amount.toPlainString() + " " + currency;
            return new DuplexException(ErrorCode.BUDGET_EXCEEDED, "Your budget of " + what + " a "
                    + (daily ? "day" : "month") + " does not cover this message (it reserves the model's longest"
                    + " answer); it renews on " + resets + " (UTC).", null, Math.max(1, waitMs), null);
        }
    }
}
