package dev.duplex.provider;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * One circuit breaker per provider. After {@code duplex.breaker.failure-threshold} failures in a row (default 5)
 * a provider's circuit opens: requests to it fail at once, without touching the network, for
 * {@code duplex.breaker.open-ms} (default 30000). Then one probe request is let through: success closes the
 * circuit, failure opens it again for another period.
 *
 * <p>Threading: thread-safe; each breaker's state changes under its own monitor.
 */
@ApplicationScoped
public class CircuitBreakers {

    private static final Logger LOG = Logger.getLogger(CircuitBreakers.class.getName());

    @Inject
    Config config;

    private final Map<String, Breaker> breakers = new ConcurrentHashMap<>();

    /** True when a request may go to {@code provider} now; a true answer in half-open state is the probe. */
    public boolean allow(String provider) {
        return breaker(provider).allow(System.nanoTime());
    }

    public void succeeded(String provider) {
        breaker(provider).succeeded();
    }

    public void failed(String provider) {
        int threshold = config.getOptionalValue("duplex.breaker.failure-threshold", Integer.class).orElse(5);
        long openNanos = TimeUnit.MILLISECONDS.toNanos(
                config.getOptionalValue("duplex.breaker.open-ms", Long.class).orElse(30_000L));
        if (breaker(provider).failed(threshold, openNanos, System.nanoTime())) {
            LOG.warning(() -> "Provider " + provider + " failed " + threshold
                    + " times in a row: its circuit is open, requests fail fast until a probe succeeds");
        }
    }

    /** A request that was let through ended without a verdict (cancelled): a probe slot is freed. */
    public void released(String provider) {
        breaker(provider).released();
    }

    /** {@code closed}, {@code open} or {@code half_open}, as {@code GET /api/models} reports it. */
    public String state(String provider) {
        return breaker(provider).state(System.nanoTime());
    }

    private Breaker breaker(String provider) {
        return breakers.computeIfAbsent(provider, name -> new Breaker());
    }

    private static final class Breaker {

        private int failures;
        private boolean open;
        private long retryAtNanos;
        private boolean probing;

        synchronized boolean allow(long now) {
            if (!open) {
                return true;
            }
            if (probing || now - retryAtNanos < 0) {
                return false;
            }
            probing = true;
            return true;
        }

        synchronized void succeeded() {
            failures = 0;
            open = false;
            probing = false;
        }

        /** Returns true when this failure opened a closed circuit. */
        synchronized boolean failed(int threshold, long openNanos, long now) {
            failures++;
            boolean opening = !open && failures >= threshold;
            if (open || opening) {
                open = true;
                probing = false;
                retryAtNanos = now + openNanos;
            }
            return opening;
        }

        synchronized void released() {
            probing = false;
        }

        synchronized String state(long now) {
            if (!open) {
                return "closed";
            }
            return probing || now - retryAtNanos >= 0 ? "half_open" : "open";
        }
    }
}
