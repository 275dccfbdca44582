package dev.duplex.api;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * An RFC 9457 problem detail: {@code type} names the problem ({@code urn:duplex:problem:<code>}, the same stable
 * codes as the WebSocket protocol's), {@code title} and {@code detail} explain it to a human.
 */
@JsonbPropertyOrder({"type", "title", "status", "detail", "code"})
public record Problem(String type, String title, int status, String detail, String code) {

    public static final MediaType MEDIA_TYPE = new MediaType("application", "problem+json");

    static Response response(int status, String code, String title, String detail) {
        return Response.status(status).type(MEDIA_TYPE)
                .entity(new Problem("urn:duplex:problem:" + code, title, status, detail, code)).build();
    }

    /** The request attribute that holds a problem {@link #write} wrote, for {@link ProblemErrorPage}. */
    static final String ATTRIBUTE = "dev.duplex.problem";

    /**
     * A problem written on a servlet response, for a request refused before it reaches JAX-RS (whose mapper writes
     * the others), and kept on the request for {@link ProblemErrorPage} (WildFly replaces the body of a refused
     * sign-in with its error page). The texts are the callers' constants, so they need no JSON escaping;
     * {@code more} is extra members, or "".
     */
    public static void write(HttpServletRequest request, HttpServletResponse response, int status, String code,
                             String title, String detail, String more) {
        String json = json(status, code, title, detail, more);
        request.setAttribute(ATTRIBUTE, json);
        response.setStatus(status);
        writeBody(response, json);
    }

    /** The problem as JSON text; the texts must need no escaping. */
    static String json(int status, String code, String title, String detail, String more) {
        return "{\"type\":\"urn:duplex:problem:" + code + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\",\"code\":\"" + code + "\"" + more + "}";
    }

    /** The body as UTF-8 bytes, under the same media type as the REST API's problems (JSON names no charset). */
    static void writeBody(HttpServletResponse response, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        try {
            response.getOutputStream().write(body);
        } catch (IOException e) {
            // the client is gone
        }
    }
}
