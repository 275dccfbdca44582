package dev.duplex.account;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.limit.UserLimits;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/admin/users}: accounts, and each one's own limits (overriding {@code duplex.limits.*}), for admins
 * only (others get 403 {@code forbidden}).
 */
@Path("admin/users")
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    /** {@code admin} as sent: JSON-B would read {@code "yes"} into a Boolean as false, and make an ordinary user. */
    public record NewUser(String username, String password, JsonValue admin) {

        boolean isAdmin() {
            JsonValue.ValueType type = admin == null ? JsonValue.ValueType.NULL : admin.getValueType();
            if (type == JsonValue.ValueType.NULL || type == JsonValue.ValueType.FALSE) {
                return false;
            }
            if (type == JsonValue.ValueType.TRUE) {
                return true;
            }
            throw new DuplexException(ErrorCode.INVALID_FRAME, "admin is true or false.");
        }
    }

    public record User(String username, boolean admin, @JsonbProperty("created_at") Instant createdAt) {
        static User of(UserEntity user) {
            return new User(user.username(), user.admin(), user.createdAt());
        }
    }

    @Inject
    Accounts accounts;

    @Inject
    UserLimits limits;

    @Inject
    Event<AccountDeleted> deleted;

    @Inject
    Event<PasswordChanged> passwordChanged;

    @Context
    HttpServletRequest request;

    @GET
    public List<User> list() {
        requireAdmin();
        return accounts.users().stream().map(User::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewUser body) {
        requireAdmin();
        if (body == null) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "Send {\"username\",\"password\",\"admin\"}.");
        }
        UserEntity user = accounts.create(body.username(), body.password(), body.isAdmin());
        return Response.status(Response.Status.CREATED).entity(User.of(user)).build();
    }

    /**
     * Deletes the account; {@code ?conversations=delete} deletes its conversations too, {@code keep} (the default)
     * keeps them in the database where no account can reach them.
     */
    @DELETE
    @Path("{username}")
    public Response delete(@PathParam("username") String username,
                           @QueryParam("conversations") @DefaultValue("keep") String conversations) {
        if (username.equals(requireAdmin())) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "An admin cannot delete their own account.");
        }
        if (!conversations.equals("keep") && !conversations.equals("delete")) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "conversations must be keep or delete.");
        }
        accounts.delete(username, conversations.equals("delete"));
        limits.forget(Accounts.owner(username));
        deleted.fire(new AccountDeleted(Accounts.owner(username)));
        return Response.noContent().build();
    }

    public record NewPassword(String password) {
    }

    /**
     * Resets the user's password ({@code {"password":"..."}}): every browser signed in as them is signed out at its
     * next request, and their chat connections signed in with the old password are closed. Their personal tokens
     * keep working.
     */
    @PUT
    @Path("{username}/password")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response resetPassword(@PathParam("username") String username, NewPassword body) {
        requireAdmin();
        if (body == null || body.password() == null) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "Send {\"password\":\"...\"}.");
        }
        String credentials = accounts.setPassword(username, body.password());
        passwordChanged.fire(new PasswordChanged(Accounts.owner(username), credentials));
        return Response.noContent().build();
    }

    /** What an admin set for the user; the configuration's values apply to every other limit. */
    @GET
    @Path("{username}/limits")
    public Map<String, String> limits(@PathParam("username") String username) {
        requireAdmin();
        return limits.own(Accounts.owner(existing(username)));
    }

    /** Sets some of the user's limits ({@code {"messages-per-minute":10,"tokens-per-day":null}}: null unsets). */
    @PUT
    @Path("{username}/limits")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, String> setLimits(@PathParam("username") String username, Map<String, BigDecimal> body) {
        requireAdmin();
        if (body == null) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "Send the limits as a JSON object.");
        }
        return limits.set(Accounts.owner(existing(username)), body);
    }

    private String existing(String username) {
        return accounts.find(username).map(UserEntity::username)
                .orElseThrow(() -> new DuplexException(ErrorCode.USER_NOT_FOUND, "No user " + username + "."));
    }

    private String requireAdmin() {
        return accounts.requireAdmin(request);
    }
}
