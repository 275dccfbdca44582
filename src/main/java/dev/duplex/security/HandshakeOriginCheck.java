package dev.duplex.security;

import dev.duplex.api.Problem;
import dev.duplex.text.Excerpt;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Refuses a request for the chat WebSocket from a page of another origin ({@link OriginPolicy}) with 403 and an
 * {@code origin_not_allowed} problem, before the container upgrades it. The WebSocket containers ask the endpoint's
 * configurator too, but each answers a refused origin its own way: Payara (Tyrus) with an HTML error page, WildFly
 * (Undertow) by passing the request on as if there were no endpoint, which ends in 404.
 *
 * <p>A browser's page cannot read why its WebSocket failed, so the refusal is logged, at most once a minute: a
 * proxy that passes on a Host without the browser's port refuses every handshake, and the operator learns it here.
 *
 * <p>Threading: the warning's time and count are atomics; otherwise stateless.
 */
@WebFilter(urlPatterns = "/ws/chat", asyncSupported = true)
public class HandshakeOriginCheck extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(HandshakeOriginCheck.class.getName());
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** When the last warning was logged ({@code System.nanoTime()}), or {@link Long#MIN_VALUE}: none yet. */
    private final AtomicLong warnedAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong refusedSinceWarning = new AtomicLong();

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        if (!OriginPolicy.allowed(origin, () -> host)) {
            warn(origin, host);
            Problem.write(request, response, HttpServletResponse.SC_FORBIDDEN, "origin_not_allowed", "Forbidden",
                    "A page of another site may not open the chat WebSocket: only this server's own pages, or the"
                            + " origins in " + OriginPolicy.ALLOWED_ORIGINS + ".", "");
            return;
        }
        chain.doFilter(request, response);
    }

    private void warn(String origin, String host) {
        long refused = refusedSinceWarning.incrementAndGet();
        long now = System.nanoTime();
        long last = warnedAt.get();
        if (last != Long.MIN_VALUE && now - last < WARNING_INTERVAL_NANOS || !warnedAt.compareAndSet(last, now)) {
            return;
        }
        refusedSinceWarning.addAndGet(-refused);
        LOG.warning("Refused a chat WebSocket handshake from a page at " + printable(origin)
                + ": this request's Host is " + printable(host) + ", and " + OriginPolicy.ALLOWED_ORIGINS
                + " does not list the origin"
                + (refused > 1 ? " (" + (refused - 1) + " more refused since the last such warning)" : "")
                + ". Behind a proxy, pass the browser's Host on, port included (nginx: proxy_set_header Host"
                + " $http_host), or list the page's origin in " + OriginPolicy.ALLOWED_ORIGINS
                + ". At most one such warning a minute.");
    }

    /** A header's value as it may go into the log: quoted, at most 200 characters, control characters as '?'. */
    private static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        String cut = Excerpt.of(value, 200);
        return '"' + cut.replaceAll("\\p{Cntrl}", "?") + '"';
    }
}
