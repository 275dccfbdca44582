package dev.duplex.api;

import dev.duplex.error.DuplexException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Any other failure as a problem response too, never the server's HTML error page: a body that is not JSON is
 * {@code bad_request} (400); the database unreachable {@code storage_error} (503); anything else
 * {@code internal_error} (500), with the cause logged.
 */
@Provider
public class FailureMapper implements ExceptionMapper<RuntimeException> {

    @Override
    public Response toResponse(RuntimeException failure) {
        if (failure instanceof ProcessingException unreadable) {
            return Problem.response(400, "bad_request", "Bad Request",
                    "The request body could not be read as JSON: " + rootMessage(unreadable));
        }
        return ProblemMapper.response(DuplexException.of(failure));
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
