package dev.duplex.stream;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JDK's futures of exchanges whose attempts closed before them ({@link Attempt#unfinishedExchange()}), kept
 * until they complete. Almost all complete within milliseconds; one whose stop met the end of its body may never
 * complete, and the JDK's client counts it as a pending request for as long, which keeps its selector thread
 * running after an undeploy, when nothing refers to the client any more (AttemptTest saw it through three
 * collections). {@link #cancelAll(Iterable)} completes them at the server's stop, when no other request can be
 * using their connections.
 *
 * <p>Plain loops and no callbacks: the server's stop may run this after the application's class loader has stopped
 * loading classes, so it must not need a class (a lambda's among them) that was not loaded before.
 *
 * <p>Threading: any thread.
 */
final class UnfinishedExchanges {

    private final Set<CompletableFuture<?>> futures = ConcurrentHashMap.newKeySet();

    /** Keeps {@code attempt}'s exchange if it has not completed yet, and forgets those that have since. */
    void keep(Attempt attempt) {
        CompletableFuture<?> exchange = attempt.unfinishedExchange();
        if (exchange != null) {
            forgetCompleted();
            futures.add(exchange);
        }
    }

    /** Kept exchanges not completed yet. */
    int size() {
        forgetCompleted();
        return futures.size();
    }

    /**
     * Cancels every kept exchange, and those of {@code stillOpen} (attempts still reading the rest of an answer's
     * body), with interruption: the JDK's client completes each and closes its connection.
     */
    void cancelAll(Iterable<Attempt> stillOpen) {
        for (Attempt attempt : stillOpen) {
            CompletableFuture<?> exchange = attempt.unfinishedExchange();
            if (exchange != null) {
                exchange.cancel(true);
            }
        }
        for (CompletableFuture<?> exchange : futures) {
            exchange.cancel(true);
        }
        futures.clear();
    }

    private void forgetCompleted() {
        for (Iterator<CompletableFuture<?>> kept = futures.iterator(); kept.hasNext(); ) {
            if (kept.next().isDone()) {
                kept.remove();
            }
        }
    }
}
