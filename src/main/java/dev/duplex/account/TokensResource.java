package dev.duplex.account;

import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;

/**
 * {@code /api/tokens}: the caller's personal API tokens. {@code POST} (signed in, or with HTTP Basic and the
 * password) makes one and answers its value, once; {@code GET} lists them without values; {@code DELETE} revokes.
 */
@Path("tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokensResource {

    public record NewToken(String label) {
    }

    public record Token(String id, String label, @JsonbProperty("created_at") Instant createdAt, String token) {
        static Token of(ApiTokenEntity token, String value) {
            return new Token(token.id(), token.label(), token.createdAt(), value);
        }
    }

    @Inject
    Accounts accounts;

    @Context
    HttpServletRequest request;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response issue(NewToken body) {
        Accounts.IssuedToken issued = accounts.issueToken(Owners.username(request), body == null ? null : body.label());
        return Response.status(Response.Status.CREATED).entity(Token.of(issued.token(), issued.value())).build();
    }

    @GET
    public List<Token> list() {
        return accounts.tokens(Owners.username(request)).stream().map(token -> Token.of(token, null)).toList();
    }

    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") String id) {
        accounts.revoke(Owners.username(request), id);
        return Response.noContent().build();
    }
}
