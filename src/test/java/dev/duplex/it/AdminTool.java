package dev.duplex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an application server's command-line admin tool (asadmin, jboss-cli) as an operator would, with the JDK the
 * tests run on, and fails the test unless it exits with 0 within 3 minutes; its output is kept in a file under
 * {@code target/} and shown in the failure.
 */
final class AdminTool {

    private AdminTool() {
    }

    static void run(Path directory, Map<String, String> environment, List<String> command)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile(Path.of("target").toAbsolutePath(), "admin-tool-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        Process tool = builder.start();
        if (!tool.waitFor(180, TimeUnit.SECONDS)) {
            tool.destroyForcibly();
            throw new AssertionError(command + " did not finish within 3 minutes: " + Files.readString(output));
        }
        assertEquals(0, tool.exitValue(), command + ": " + Files.readString(output));
    }
}
