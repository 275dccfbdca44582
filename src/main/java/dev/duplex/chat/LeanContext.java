package dev.duplex.chat;

/**
 * Runs a WebSocket send with a thread context class loader that has nothing to scan.
 *
 * <p>Why: Tyrus 2.1.5 (Payara 6) reschedules the session's idle-timeout task on every frame it sends, on the
 * container's managed scheduled executor, and Payara captures the caller's context for each such task by running
 * {@code ServiceLoader.load(ThreadContextProvider.class, contextClassLoader)}: with the application's class loader
 * that scans every jar of the runtime, about 0.1-0.5 ms of CPU per token frame (found with JFR, see
 * docs/benchmarks.md). The send itself needs no application classes from the context class loader, and the idle
 * task (Duplex sets no idle timeout) needs none either. Scoped to the send call only.
 *
 * <p>{@link IdleTimerScheduler} removes the managed task altogether where it can; this stays as the fallback for
 * a Tyrus whose internals it does not recognise.
 */
final class LeanContext {

    /** A loader that delegates classes to the bootstrap loader and has no resources at all. */
    private static final ClassLoader NOTHING_TO_SCAN = new ClassLoader(null) {
        @Override
        public java.net.URL getResource(String name) {
            return null;
        }

        @Override
        public java.util.Enumeration<java.net.URL> getResources(String name) {
            return java.util.Collections.emptyEnumeration();
        }
    };

    private LeanContext() {
    }

    static void run(Runnable send) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(NOTHING_TO_SCAN);
        try {
            send.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
