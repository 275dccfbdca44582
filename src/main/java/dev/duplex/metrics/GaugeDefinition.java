package dev.duplex.metrics;

import java.util.function.Supplier;

/**
 * One of Duplex's gauges, as every metrics facility publishes it: a dotted name ({@code duplex.sessions.open},
 * {@code duplex_sessions_open} in Prometheus text), its unit ({@code bytes}, or {@code none}), what it means,
 * and how to read it now.
 */
public record GaugeDefinition(String name, String unit, String description, Supplier<Number> value) {

    public static final String NONE = "none";
    public static final String BYTES = "bytes";
}
