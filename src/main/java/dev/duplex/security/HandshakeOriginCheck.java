package dev.duplex.security;

import dev.duplex.api.Problem;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Refuses a request for the chat WebSocket from a page of another origin ({@link OriginPolicy}) with 403 and an
 * {@code origin_not_allowed} problem, before the container upgrades it. The WebSocket containers ask the endpoint's
 * configurator too, but each answers a refused origin its own way: Payara (Tyrus) with an HTML error page, WildFly
 * (Undertow) by passing the request on as if there were no endpoint, which ends in 404.
 *
 * <p>Threading: stateless.
 */
@WebFilter(urlPatterns = "/ws/chat", asyncSupported = true)
public class HandshakeOriginCheck extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!OriginPolicy.allowed(request.getHeader("Origin"), () -> request.getHeader("Host"))) {
            Problem.write(request, response, HttpServletResponse.SC_FORBIDDEN, "origin_not_allowed", "Forbidden",
                    "A page of another site may not open the chat WebSocket: only this server's own pages, or the"
                            + " origins in " + OriginPolicy.ALLOWED_ORIGINS + ".", "");
            return;
        }
        chain.doFilter(request, response);
    }
}
