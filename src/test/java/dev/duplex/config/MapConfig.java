package dev.duplex.config;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * For tests of beans that read MicroProfile Config: properties held in a map that a test may change at any time,
 * as an operator would. Values convert to {@code String}, {@code Long}, {@code Integer} and {@code BigDecimal};
 * a list is comma-separated. Subclasses override the reads to count them.
 */
public class MapConfig implements Config {

    private final Map<String, String> values = new ConcurrentHashMap<>();

    /** Starts with {@code name, value} pairs. */
    public MapConfig(String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
    }

    /** Sets (or, with null, removes) a property. */
    public void set(String name, String value) {
        if (value == null) {
            values.remove(name);
        } else {
            values.put(name, value);
        }
    }

    @Override
    public Iterable<String> getPropertyNames() {
        return Set.copyOf(values.keySet());
    }

    @Override
    public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
        return Optional.ofNullable(values.get(name)).map(value -> convert(value, type));
    }

    @Override
    public <T> Optional<List<T>> getOptionalValues(String name, Class<T> type) {
        return Optional.ofNullable(values.get(name))
                .map(value -> Arrays.stream(value.split(",")).map(item -> convert(item, type)).toList());
    }

    private static <T> T convert(String value, Class<T> type) {
        if (type == String.class) {
            return type.cast(value);
        }
        if (type == Long.class) {
            return type.cast(Long.valueOf(value));
        }
        if (type == Integer.class) {
            return type.cast(Integer.valueOf(value));
        }
        if (type == BigDecimal.class) {
            return type.cast(new BigDecimal(value));
        }
        throw new UnsupportedOperationException(type.getName());
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
