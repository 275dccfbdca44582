package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class GrizzlyWorkerThreadsTest {

    @Test
    void withoutGrizzlyTheThreadsArePlainNamedDaemons() throws InterruptedException {
        ThreadFactory factory = GrizzlyWorkerThreads.factory("duplex-send", getClass().getClassLoader());
        StringBuilder ran = new StringBuilder();
        Thread first = factory.newThread(() -> ran.append("ran"));
        Thread second = factory.newThread(() -> { });
        assertEquals(Thread.class, first.getClass());
        assertEquals("duplex-send-1", first.getName());
        assertEquals("duplex-send-2", second.getName());
        assertTrue(first.isDaemon());
        first.start();
        first.join();
        assertEquals("ran", ran.toString());
    }
}
