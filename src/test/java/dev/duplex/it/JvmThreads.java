package dev.duplex.it;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
