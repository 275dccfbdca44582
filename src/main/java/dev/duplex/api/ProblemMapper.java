package dev.duplex.api;

import dev.duplex.error.DuplexException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The one place where a {@link DuplexException} becomes an HTTP problem response. */
@Provider
public class ProblemMapper implements ExceptionMapper<DuplexException> {

    @Override
    public Response toResponse(DuplexException e) {
        return response(e);
    }

    static Response response(DuplexException e) {
        int status = switch (e.code()) {
            case CONVERSATION_NOT_FOUND, MESSAGE_NOT_FOUND, GENERATION_NOT_FOUND, USER_NOT_FOUND,
                 TOKEN_NOT_FOUND -> 404;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case USER_EXISTS, CONVERSATION_CHANGED -> 409;
            case INVALID_JSON, INVALID_FRAME, MISSING_CONTENT, UNKNOWN_MODEL, NOTHING_TO_REGENERATE -> 400;
            case RATE_LIMITED -> 429;
            case STORAGE_ERROR -> 503;
            case BUSY -> 409;
            default -> 500;
        };
        Response response = Problem.response(status, e.code().wireName(),
                Response.Status.fromStatusCode(status).getReasonPhrase(), e.getMessage());
        return e.retryAfterMs() == null ? response : Response.fromResponse(response)
                .header("Retry-After", DuplexException.seconds(e.retryAfterMs())).build();
    }
}
