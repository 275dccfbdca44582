package dev.duplex.bench;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Starts the sessions of a paced level spread over one second (real users are not synchronised); a
 * max-speed level starts them all at once. The same for both modes.
 */
final class Stagger {

    private Stagger() {
    }

    static void start(int sessions, Level level, IntConsumer session) throws InterruptedException {
        if (level.intervalMs() == 0 || sessions == 1) {
            for (int i = 0; i < sessions; i++) {
                session.accept(i);
            }
            return;
        }
        ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < sessions; i++) {
                int n = i;
                starter.schedule(() -> session.accept(n), 1_000_000L * i / sessions, TimeUnit.MICROSECONDS);
            }
        } finally {
            starter.shutdown();
            starter.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static long deadlineSeconds(Level level) {
        long perMessageMs = level.ttftMs() + (long) level.tokens() * Math.max(level.intervalMs(), 1);
        return 60 + 3 * level.messages() * perMessageMs / 1000;
    }
}
