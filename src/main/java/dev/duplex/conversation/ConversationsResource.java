package dev.duplex.conversation;

import dev.duplex.account.Owners;
import dev.duplex.api.QueryNumber;
import dev.duplex.database.StorableText;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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

/**
 * {@code /api/conversations}: the caller's conversations (the caller is the signed-in user, or in anonymous mode
 * the browser identity of {@link BrowserIdentity}: {@link Owners}): list and search, read, rename, delete,
 * export. Another owner's conversation is 404, exactly like a missing one. Errors are RFC 9457 problem responses.
 */
@Path("conversations")
@Produces(MediaType.APPLICATION_JSON)
public class ConversationsResource {

    static final int MAX_LIMIT = 200;

    public record Summary(String id, String title, @JsonbProperty("created_at") Instant createdAt,
                          @JsonbProperty("updated_at") Instant updatedAt) {
        static Summary of(ConversationEntity c) {
            return new Summary(c.id(), c.title(), c.createdAt(), c.updatedAt());
        }
    }

    public record Page(List<Summary> conversations, int offset, int limit) {
    }

    public record Usage(@JsonbProperty("input_tokens") Long inputTokens,
                        @JsonbProperty("output_tokens") Long outputTokens, Boolean estimated) {
    }

    public record Cost(BigDecimal total, String currency) {
    }

    public record Failure(String code, String message) {
    }

    public record Message(String id, String role, String content, String status, String model, String provider,
                          @JsonbProperty("finish_reason") String finishReason, Failure error, Usage usage,
                          Cost cost, @JsonbProperty("created_at") Instant createdAt,
                          @JsonbProperty("generation_id") String generationId) {
        static Message of(MessageEntity m) {
            return new Message(m.id(), m.role(), m.content(), m.status().wireName(), m.model(), m.provider(),
                    m.finishReason(), m.errorCode() == null ? null : new Failure(m.errorCode(), m.errorMessage()),
                    m.inputTokens() == null ? null : new Usage(m.inputTokens(), m.outputTokens(),
                            Boolean.TRUE.equals(m.usageEstimated()) ? Boolean.TRUE : null),
                    m.cost() == null ? null : new Cost(m.cost(), m.currency()), m.createdAt(), m.generationId());
        }
    }

    public record Detail(String id, String title, String system, @JsonbProperty("created_at") Instant createdAt,
                         @JsonbProperty("updated_at") Instant updatedAt, List<Message> messages) {
        static Detail of(StoredConversation stored) {
            ConversationEntity c = stored.conversation();
            return new Detail(c.id(), c.title(), c.systemPrompt(), c.createdAt(), c.updatedAt(),
                    stored.messages().stream().map(Message::of).toList());
        }
    }

    public record Rename(String title) {
    }

    @Inject
    ConversationStore store;

    @Inject
    Event<ConversationDeleted> deleted;

    @Context
    HttpServletRequest request;

    @GET
    public Page list(@QueryParam("q") String query, @QueryParam("offset") @DefaultValue("0") String offsetParameter,
                     @QueryParam("limit") @DefaultValue("50") String limitParameter) {
        int offset = QueryNumber.of("offset", offsetParameter);
        int limit = QueryNumber.of("limit", limitParameter);
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw new DuplexException(ErrorCode.INVALID_FRAME,
                    "offset must be 0 or more and limit from 1 to " + MAX_LIMIT + ".");
        }
        return new Page(store.list(owner(), StorableText.of(query), offset, limit).stream().map(Summary::of).toList(),
                offset, limit);
    }

    @GET
    @Path("{id}")
    public Detail get(@PathParam("id") String id) {
        return Detail.of(store.find(owner(), id));
    }

    @PATCH
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Summary rename(@PathParam("id") String id, Rename rename) {
        if (rename == null || rename.title() == null || rename.title().isBlank()
                || rename.title().strip().length() > 200) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "A title of 1 to 200 characters is required.");
        }
        return Summary.of(store.rename(owner(), id, StorableText.of(rename.title())));
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        String owner = owner();
        store.delete(owner, id);
        deleted.fire(new ConversationDeleted(owner, id));
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/export")
    @Produces({"text/markdown", MediaType.APPLICATION_JSON})
    public Response export(@PathParam("id") String id, @QueryParam("format") @DefaultValue("md") String format) {
        StoredConversation stored = store.find(owner(), id);
        String file = "conversation-" + id;
        return switch (format) {
            case "md" -> Response.ok(ConversationMarkdown.of(stored), "text/markdown; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"" + file + ".md\"").build();
            case "json" -> Response.ok(Detail.of(stored), MediaType.APPLICATION_JSON)
                    .header("Content-Disposition", "attachment; filename=\"" + file + ".json\"").build();
            default -> throw new DuplexException(ErrorCode.INVALID_FRAME, "format must be md or json.");
        };
    }

    private String owner() {
        return Owners.of(request);
    }
}
