package dev.duplex.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Headers on every response: a strict Content-Security-Policy (scripts, styles and everything else only from
 * this server, WebSocket only back to it, no framing, no plugins), {@code X-Content-Type-Options: nosniff}, no
 * referrer. With the page's sanitizer this keeps model output that slips through as HTML from running or
 * loading anything.
 *
 * <p>Threading: stateless.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class SecurityHeaders extends HttpFilter {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:\\d{1,5})?|\\[[0-9A-Fa-f:.]+\\](:\\d{1,5})?");
    private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; connect-src 'self'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader("Content-Security-Policy", policy(request.getHeader("Host")));
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        chain.doFilter(request, response);
    }

    /** {@code connect-src} names the WebSocket of this host too: not every browser counts ws: as 'self'. */
    static String policy(String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            return POLICY;
        }
        return POLICY + " ws://" + host + " wss://" + host;
    }
}
