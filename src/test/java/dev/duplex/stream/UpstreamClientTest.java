package dev.duplex.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.config.MapConfig;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class UpstreamClientTest {

    /**
     * On a JVM whose common pool has one worker (2 cores or fewer), the JDK's HTTP client starts a thread at the end
     * of every request (docs/benchmarks.md, finding 71): the operator is told at start which option stops it, and
     * on any other JVM nothing is said.
     */
    @Test
    void warnsAtItsStartWhenTheJdkClientWouldStartAThreadPerRequest() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(UpstreamClient.class.getName());
        logger.addHandler(handler);
        UpstreamClient client = new UpstreamClient();
        client.config = new MapConfig();
        try {
            client.start();
        } finally {
            client.stop();
            logger.removeHandler(handler);
        }
        boolean warned = records.stream().anyMatch(record -> record.getLevel() == Level.WARNING
                && record.getMessage().contains("-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"));
        assertEquals(ForkJoinPool.getCommonPoolParallelism() < 2, warned,
                "common pool parallelism " + ForkJoinPool.getCommonPoolParallelism() + ", warned: " + warned);
    }
}
