package dev.duplex.account;

import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /api/me}: who the caller is, for the page's header ({@code username} null in anonymous mode). */
@Path("me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    public record Me(String username, boolean admin, String mode) {
    }

    @Inject
    Accounts accounts;

    @Context
    HttpServletRequest request;

    @GET
    public Me me() {
        AuthMode mode = AuthMode.current();
        String name = mode.name().toLowerCase(java.util.Locale.ROOT);
        if (mode == AuthMode.ANONYMOUS) {
            return new Me(null, false, name);
        }
        String username = Owners.username(request);
        return new Me(username, accounts.isAdmin(username), name);
    }
}
