package dev.duplex.chat;

import dev.duplex.threads.NamedThreads;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Threads that Grizzly (Payara's HTTP layer) takes for its own workers, for sending WebSocket frames.
 *
 * <p>Why: Grizzly's output buffer takes the buffer for each write from the writing thread's memory pool, which
 * only Grizzly's worker threads have. From any other thread it allocates a new 8 KB array for every frame,
 * however small: a quarter of all the memory Duplex allocated at 100 x 50 tokens/s (JFR allocation samples,
 * docs/benchmarks.md), and so a quarter of its young collections. On a Grizzly worker thread a frame takes only
 * its own length from a pool the thread reuses.
 *
 * <p>How: Grizzly's {@code DefaultWorkerThread}, made by reflection with a pool from Grizzly's default memory
 * manager, found through the class loader that loaded the container's {@code ServletContext}. When Grizzly is
 * not there (WildFly) or does not have these classes, the threads are plain ones and the reason is logged once.
 * Threading: the factory is thread-safe; its threads belong to the executor they are made for.
 */
final class GrizzlyWorkerThreads {

    private static final Logger LOG = Logger.getLogger(GrizzlyWorkerThreads.class.getName());
    private static final String PACKAGE = "org.glassfish.grizzly.";

    private GrizzlyWorkerThreads() {
    }

    /** Daemon threads named {@code prefix-N}: Grizzly workers if {@code loader} reaches Grizzly, else plain. */
    static ThreadFactory factory(String prefix, ClassLoader loader) {
        return NamedThreads.factory(prefix, maker(loader));
    }

    private static BiFunction<Runnable, String, Thread> maker(ClassLoader loader) {
        try {
            Class<?> attributes = Class.forName(PACKAGE + "attributes.AttributeBuilder", true, loader);
            Class<?> pool = Class.forName(PACKAGE + "memory.ThreadLocalPool", true, loader);
            Class<?> worker = Class.forName(PACKAGE + "threadpool.DefaultWorkerThread", true, loader);
            Object builder = attributes.getField("DEFAULT_ATTRIBUTE_BUILDER").get(null);
            Object memory = Class.forName(PACKAGE + "memory.MemoryManager", true, loader)
                    .getField("DEFAULT_MEMORY_MANAGER").get(null);
            Method newPool = Class.forName(PACKAGE + "memory.ThreadLocalPoolProvider", true, loader)
                    .getMethod("createThreadLocalPool");
            Constructor<?> constructor = worker.getConstructor(attributes, String.class, pool, Runnable.class);
            newPool.invoke(memory); // fails here, not in a thread factory, if the memory manager has no pools
            return (runnable, name) -> {
                try {
                    return (Thread) constructor.newInstance(builder, name, newPool.invoke(memory), runnable);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("Cannot make a Grizzly worker thread", e);
                }
            };
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            LOG.log(Level.INFO, "Grizzly is not reachable (" + e + "): frames are sent from plain threads.");
            return Thread::new;
        }
    }
}
