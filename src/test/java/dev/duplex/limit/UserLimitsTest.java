package dev.duplex.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.api.Test;

class UserLimitsTest {

    /** A configuration with one mutable limit that counts how often it is read. */
    static final class CountingConfig implements Config {

        final AtomicInteger reads = new AtomicInteger();
        volatile String rate = "30";

        @Override
        public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
            reads.incrementAndGet();
            return name.equals("duplex.limits.messages-per-minute")
                    ? Optional.of(type.cast(new BigDecimal(rate))) : Optional.empty();
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
        public Iterable<String> getPropertyNames() {
            return List.of();
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

    @Test
    void aConfiguredLimitIsReadAgainAtMostOnceASecond() {
        CountingConfig config = new CountingConfig();
        UserLimits limits = new UserLimits() {
            @Override
            public Map<String, String> own(String owner) {
                return Map.of(); // no admin overrides: no database
            }
        };
        limits.config = config;

        for (int i = 0; i < 100; i++) {
            assertEquals(30, limits.intValue("user:ann", "messages-per-minute", 0));
        }
        assertEquals(1, config.reads.get(), "one read for a hundred messages");

        config.rate = "5"; // an operator changes it
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> limits.intValue("user:ann", "messages-per-minute", 0) == 5);
        assertEquals(20, limits.intValue("user:ann", "max-message-chars", 20), "unset: the caller's default");
    }
}
