package dev.duplex.chat;

import dev.duplex.stream.UpstreamClient;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServlet;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Stopping the server or undeploying Duplex, in order: new messages are refused ({@code shutting_down}), the
 * generations running get {@code duplex.shutdown.drain-ms} (default 10,000) to finish, those still running then
 * end with {@code shutting_down} and are saved as {@code interrupted} with their text so far, and every client is
 * closed with 1001 so it reconnects elsewhere. Runs when the web application stops, before its CDI beans
 * (the HTTP client, the store writer) are destroyed.
 *
 * <p>A servlet with no mapping, loaded at startup (web.xml), for its {@link #destroy}: the Servlet specification
 * destroys every servlet before it tells any context listener that the application stops, and WildFly's
 * WebSocket implementation closes every session in a listener of its own. As a listener this ran after that on
 * WildFly, and the clients got 1001 without their answers' last frames.
 *
 * <p>Threading: called once, by the container.
 */
public class GracefulShutdown extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = Logger.getLogger(GracefulShutdown.class.getName());

    @Inject
    transient ChatSessions sessions;

    @Inject
    transient UpstreamClient upstream;

    @Inject
    @ConfigProperty(name = "duplex.shutdown.drain-ms", defaultValue = "10000")
    long drainMs;

    @Override
    public void destroy() {
        sessions.refuseNewWork();
        int running = upstream.runningGenerations();
        if (running > 0) {
            LOG.info(() -> "Shutting down: " + running + " generations get " + drainMs + " ms to finish");
        }
        if (!waitUntil(() -> upstream.runningGenerations() == 0, drainMs)) {
            upstream.stopAll();
        }
        waitUntil(() -> sessions.turnsRunning() == 0, 5_000); // their answers are being saved
        sessions.closeAll();
        waitUntil(() -> sessions.count() == 0, 2_000);
    }

    private static boolean waitUntil(java.util.function.BooleanSupplier done, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
