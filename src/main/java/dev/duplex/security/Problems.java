package dev.duplex.security;

import jakarta.json.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** RFC 9457 problem responses written by servlet filters, in the same shape as the REST API's. */
final class Problems {

    private Problems() {
    }

    static void write(HttpServletResponse response, int status, String code, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.createObjectBuilder()
                .add("type", "urn:duplex:problem:" + code).add("title", title).add("status", status)
                .add("detail", detail).add("code", code).build().toString());
    }
}
