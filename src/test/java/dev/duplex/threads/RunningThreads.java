package dev.duplex.threads;

/** For tests of an owner's threads: how many named {@code prefix...} are still alive in this JVM. */
public final class RunningThreads {

    private RunningThreads() {
    }

    public static long named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith(prefix) && thread.isAlive()).count();
    }
}
