package dev.duplex.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The threads of a server's JVM, read from {@code /proc}: what an operator's {@code top -H} would show. */
final class JvmThreads {

    private JvmThreads() {
    }

    /**
     * The names of {@code jvm}'s threads that start with {@code prefix} (Linux keeps 15 characters of a name):
     * "duplex-" for Duplex's own, "hz." for Payara's data grid.
     */
    static List<String> named(ProcessHandle jvm, String prefix) throws IOException {
        List<String> names = new ArrayList<>();
        Path threads = Path.of("/proc", Long.toString(jvm.pid()), "task");
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(threads)) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    if (name.startsWith(prefix)) {
                        names.add(name);
                    }
                } catch (IOException ended) {
                    // the thread ended while we listed them
                }
            }
        }
        return names;
    }

    /** Waits up to 10 s for none of Duplex's threads to be left in {@code jvm}, as after an undeploy. */
    static void awaitNoneOfDuplex(ProcessHandle jvm) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(List.of(), named(jvm, "duplex-"),
                "Duplex's threads left running after undeploy"));
    }
}
