package dev.duplex.limit;

import dev.duplex.account.Owners;
import dev.duplex.provider.ModelCatalogue;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/me/budgets}: where the caller's own token and cost budgets stand, so that a user sees what is
 * left before a message is refused with {@code budget_exceeded}, not only after.
 */
@Path("me/budgets")
@Produces(MediaType.APPLICATION_JSON)
public class BudgetsResource {

    /** The caller's budgets; empty when none applies to them. */
    public record Standings(List<Budget> budgets) {
    }

    /**
     * One budget: {@code remaining} is what a message may still reserve (never below 0), {@code reserved} what the
     * caller's running generations hold until they end; {@code currency} only for a cost.
     */
    public record Budget(String name, BigDecimal limit, BigDecimal used, BigDecimal reserved, BigDecimal remaining,
                         @JsonbProperty("renews_at") Instant renewsAt, String currency) {
    }

    @Inject
    Budgets budgets;

    @Inject
    ModelCatalogue catalogue;

    @Context
    HttpServletRequest request;

    @GET
    public Standings standings() {
        String currency = catalogue.current().currency();
        return new Standings(budgets.standing(Owners.of(request)).stream().map(standing -> new Budget(
                standing.name(), standing.amount(), standing.used(), standing.reserved(),
                standing.amount().subtract(standing.used()).subtract(standing.reserved()).max(BigDecimal.ZERO),
                standing.renewsAt(), standing.name().startsWith("cost-") ? currency : null)).toList());
    }
}
