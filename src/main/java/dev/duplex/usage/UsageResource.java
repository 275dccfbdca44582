package dev.duplex.usage;

import dev.duplex.account.Accounts;
import dev.duplex.account.AuthMode;
import dev.duplex.api.QueryNumber;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /api/usage}: totals per model since the server started and the latest generations
 * ({@code ?limit=}, default 50), newest first. The durable record is the {@code dev.duplex.usage} log. It covers
 * every user, so with accounts only admins may read it.
 */
@Path("usage")
public class UsageResource {

    public record Usage(List<UsageLedger.ModelTotals> totals, List<GenerationRecord> recent) {
    }

    @Inject
    UsageLedger ledger;

    @Inject
    Accounts accounts;

    @Context
    HttpServletRequest request;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Usage usage(@QueryParam("limit") @DefaultValue("50") String limitParameter) {
        if (AuthMode.current() != AuthMode.ANONYMOUS) {
            accounts.requireAdmin(request);
        }
        int limit = QueryNumber.of("limit", limitParameter);
        return new Usage(ledger.totals(), ledger.recent(Math.min(limit, 1000)));
    }
}
