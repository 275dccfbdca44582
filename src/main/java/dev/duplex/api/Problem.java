package dev.duplex.api;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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
}
