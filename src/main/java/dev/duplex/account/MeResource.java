package dev.duplex.account;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.limit.MessageRate;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /api/me}: who the caller is, for the page's header ({@code username} null in anonymous mode);
 * {@code PUT /api/me/password}: the caller changes their own password.
 */
@Path("me")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    public record Me(String username, boolean admin, String mode) {
    }

    public record PasswordChange(String current, @JsonbProperty("new") String next) {
    }

    @Inject
    Accounts accounts;

    @Inject
    MessageRate rate;

    @Inject
    Event<PasswordChanged> changed;

    @Inject
    @ConfigProperty(name = "duplex.limits.sign-ins-per-minute", defaultValue = "10")
    int signInsPerMinute;

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

    /**
     * Changes the caller's password ({@code {"current":"...","new":"..."}}). The current one must be right, and
     * tries count against the sign-ins allowed per minute for the name, as guesses at the form do. The caller's
     * session stays signed in; the user's other browsers are signed out at their next request, and the chat
     * connections signed in with the old password are closed (those still signed in reconnect).
     */
    @PUT
    @Path("password")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response changePassword(PasswordChange body) {
        String username = Owners.username(request);
        if (body == null || body.current() == null || body.next() == null) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "Send {\"current\":\"...\",\"new\":\"...\"}.");
        }
        if (AuthMode.current() == AuthMode.OIDC) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "The OpenID provider keeps your password: change it"
                    + " there.");
        }
        try {
            rate.take("sign-in:" + username, signInsPerMinute);
        } catch (DuplexException limited) { // its words are a chat message's
            throw new DuplexException(ErrorCode.RATE_LIMITED, "Too many password attempts for this name; try again in "
                    + DuplexException.seconds(limited.retryAfterMs()) + " s.", null, limited.retryAfterMs(), null);
        }
        UserEntity account = accounts.verify(username, body.current()).orElseThrow(() -> new DuplexException(
                ErrorCode.FORBIDDEN, "The current password is not right."));
        String credentials = accounts.setPassword(account.username(), body.next());
        SignedInAccountCheck.remember(request, credentials);
        changed.fire(new PasswordChanged(Accounts.owner(username), credentials));
        return Response.noContent().build();
    }
}
