package dev.duplex.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.demo.DemoAddress;
import dev.duplex.threads.RunningThreads;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;

class ModelCatalogueTest {

    /** Properties an operator may change at any time; counts the scans of every name, the costly part of a read. */
    static final class ChangingConfig implements Config {

        final Map<String, String> values = new ConcurrentHashMap<>();
        final Set<String> scanningThreads = ConcurrentHashMap.newKeySet();
        final AtomicInteger scans = new AtomicInteger();
        volatile boolean broken;

        ChangingConfig(String... pairs) {
            for (int i = 0; i < pairs.length; i += 2) {
                values.put(pairs[i], pairs[i + 1]);
            }
        }

        @Override
        public Iterable<String> getPropertyNames() {
            if (broken) {
                throw new IllegalStateException("a config source failed");
            }
            scans.incrementAndGet();
            scanningThreads.add(Thread.currentThread().getName());
            return Set.copyOf(values.keySet());
        }

        @Override
        public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
            String value = values.get(name);
            if (value == null) {
                return Optional.empty();
            }
            if (type == String.class) {
                return Optional.of(type.cast(value));
            }
            if (type == Long.class) {
                return Optional.of(type.cast(Long.valueOf(value)));
            }
            if (type == Integer.class) {
                return Optional.of(type.cast(Integer.valueOf(value)));
            }
            throw new UnsupportedOperationException(type.getName());
        }

        @Override
        public <T> Optional<List<T>> getOptionalValues(String name, Class<T> type) {
            return getOptionalValue(name, String.class)
                    .map(value -> Arrays.stream(value.split(",")).map(type::cast).toList());
        }

        @Override
        public <T> T getValue(String name, Class<T> type) {
            return getOptionalValue(name, type).orElseThrow();
        }

        @Override
        public ConfigValue getConfigValue(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Iterable<ConfigSource> getConfigSources() {
            return List.of();
        }

        @Override
        public <T> Optional<Converter<T>> getConverter(Class<T> type) {
            return Optional.empty();
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            throw new UnsupportedOperationException();
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

    @Test
    void aChangeAppliesWithinTheRefreshInterval() {
        ChangingConfig config = oneProvider("100");
        ModelCatalogue catalogue = started(config);
        try {
            assertEquals(Set.of("llama"), catalogue.current().models().keySet());
            long changed = System.nanoTime();
            config.values.put("duplex.model.qwen.provider", "local"); // set-config-property, say
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> catalogue.current().models().containsKey("qwen"));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
            assertTrue(tookMs < 1000, "seen after " + tookMs + " ms");

            config.values.put("duplex.catalogue.refresh-ms", "5000"); // the interval itself is read each time
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
            config.values.put("duplex.model.qwen.provider", "local");
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
