package dev.duplex.limit;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Semaphore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The most generations the whole server runs at once ({@code duplex.limits.max-concurrent-generations}, default
 * 2000): the provider budget's and the server's last line of defence. A message beyond it is refused with
 * {@code overloaded} before anything is stored or sent upstream.
 *
 * <p>Threading: thread-safe. Whoever {@link #acquire}s a slot owns it and must {@link #release} it exactly once.
 */
@ApplicationScoped
public class GenerationSlots {

    @Inject
    @ConfigProperty(name = "duplex.limits.max-concurrent-generations", defaultValue = "2000")
    int max;

    private Semaphore slots;

    @PostConstruct
    void create() {
        slots = new Semaphore(Math.max(1, max));
    }

    public void acquire() {
        if (!slots.tryAcquire()) {
            throw new DuplexException(ErrorCode.OVERLOADED, "The server is answering " + max
                    + " messages already; try again in a moment.", null, 1000L, null);
        }
    }

    public void release() {
        slots.release();
    }

    public int free() {
        return slots.availablePermits();
    }
}
