package dev.duplex.chat;

import dev.duplex.threads.NamedThreads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The threads that hand frames to the container. Sending on them rather than on the thread that parsed the
 * token lets that thread finish the lines it already has, so tokens that arrived in one read leave in one frame:
 * every WebSocket send costs the container a fixed price (see {@link LeanContext}), and under load this cuts
 * the number of sends without ever holding a token back. Created once, shut down on undeploy.
 */
@ApplicationScoped
public class SendThreads {

    @Inject
    @ConfigProperty(name = "duplex.ws.send-threads", defaultValue = "2")
    int threads;

    private ExecutorService executor;

    @PostConstruct
    void start() {
        executor = Executors.newFixedThreadPool(Math.max(1, threads), NamedThreads.factory("duplex-send"));
    }

    @PreDestroy
    void stop() {
        NamedThreads.stop(executor);
    }

    /**
     * The threads themselves, not reached through CDI's client proxy: a connection's sender hands them a drain for
     * almost every token, and the proxy looked the bean up and called this class's methods reflectively each time
     * (docs/benchmarks.md, finding 67). Valid until undeploy, like the proxy.
     */
    Executor executor() {
        ExecutorService threads = executor;
        return threads::execute;
    }
}
