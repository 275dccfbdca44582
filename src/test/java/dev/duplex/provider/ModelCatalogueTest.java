package dev.duplex.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.config.MapConfig;
import dev.duplex.demo.DemoAddress;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.threads.RunningThreads;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ModelCatalogueTest {

    /** Counts the scans of every property name, the costly part of a read, and the threads that made them. */
    static final class ChangingConfig extends MapConfig {

        final Set<String> scanningThreads = ConcurrentHashMap.newKeySet();
        final AtomicInteger scans = new AtomicInteger();
        volatile boolean broken;

        ChangingConfig(String... pairs) {
            super(pairs);
        }

        @Override
        public Iterable<String> getPropertyNames() {
            if (broken) {
                throw new IllegalStateException("a config source failed");
            }
            scans.incrementAndGet();
            scanningThreads.add(Thread.currentThread().getName());
            return super.getPropertyNames();
        }
    }

    private static ModelCatalogue started(ChangingConfig config) {
        ModelCatalogue catalogue = new ModelCatalogue();
        catalogue.config = config;
        catalogue.demoAddress = new DemoAddress();
        catalogue.start();
        return catalogue;
    }

    private static ChangingConfig oneProvider(String refreshMs) {
        return new ChangingConfig("duplex.catalogue.refresh-ms", refreshMs,
                "duplex.provider.local.kind", "ollama",
                "duplex.provider.local.base-url", "http://127.0.0.1:11434",
                "duplex.model.llama.provider", "local");
    }

    @Test
    void noMessageWaitsForARead() {
        ChangingConfig config = oneProvider("50");
        ModelCatalogue catalogue = started(config);
        try {
            assertEquals(Set.of("llama"), catalogue.current().models().keySet(), "the first use reads it");
            String caller = Thread.currentThread().getName();
            config.scanningThreads.clear();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
            while (System.nanoTime() < until) {
                assertEquals("llama", catalogue.current().defaultModel());
            }
            assertTrue(config.scans.get() >= 4, "read again every 50 ms meanwhile: " + config.scans.get());
            assertTrue(config.scanningThreads.stream().allMatch(name -> name.startsWith("duplex-catalogue-"))
                    && !config.scanningThreads.contains(caller), "read on " + config.scanningThreads);
        } finally {
            catalogue.stop();
        }
    }

    /** The name of a model the catalogue lacks is quoted in part: a client can send one as long as its frame. */
    @Test
    void anUnknownModelIsRefusedNamingAtMost80OfItsCharacters() {
        ModelCatalogue catalogue = started(oneProvider("50"));
        try {
            DuplexException refused = assertThrows(DuplexException.class,
                    () -> catalogue.current().model("m".repeat(3000)));
            assertEquals(ErrorCode.UNKNOWN_MODEL, refused.code());
            assertEquals("Unknown model \"" + "m".repeat(80) + "…\"; available: llama", refused.getMessage());
        } finally {
            catalogue.stop();
        }
    }

    @Test
    void aChangeAppliesWithinTheRefreshInterval() {
        ChangingConfig config = oneProvider("100");
        ModelCatalogue catalogue = started(config);
        try {
            assertEquals(Set.of("llama"), catalogue.current().models().keySet());
            long changed = System.nanoTime();
            config.set("duplex.model.qwen.provider", "local"); // set-config-property, say
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> catalogue.current().models().containsKey("qwen"));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
            assertTrue(tookMs < 1000, "seen after " + tookMs + " ms");

            config.set("duplex.catalogue.refresh-ms", "5000"); // the interval itself is read each time
            Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> {
                int before = config.scans.get();
                TimeUnit.MILLISECONDS.sleep(500);
                return config.scans.get() == before;
            });
        } finally {
            catalogue.stop();
        }
    }

    @Test
    void aFailedReadKeepsTheCatalogueReadLastAndTheNextReadTriesAgain() {
        ChangingConfig config = oneProvider("50");
        ModelCatalogue catalogue = started(config);
        try {
            assertEquals(Set.of("llama"), catalogue.current().models().keySet());
            config.broken = true;
            config.set("duplex.model.qwen.provider", "local");
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < until) {
                assertEquals(Set.of("llama"), catalogue.current().models().keySet(), "the last read still applies");
            }
            config.broken = false;
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> catalogue.current().models().containsKey("qwen"));
        } finally {
            catalogue.stop();
        }
    }

    @Test
    void theTimerThreadEndsWithTheBean() {
        ModelCatalogue catalogue = started(oneProvider("50"));
        catalogue.current();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> RunningThreads.named("duplex-catalogue-") >= 1);
        catalogue.stop();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> RunningThreads.named("duplex-catalogue-") == 0);
    }
}
