package dev.duplex.metrics;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Publishes {@link DuplexGauges} in the application's MicroProfile Metrics registry, at the deployment's start:
 * Payara serves them at {@code /metrics}. Removes them when the application stops. Left out where the server has
 * no MicroProfile Metrics (WEB-INF/beans.xml).
 */
@ApplicationScoped
public class MicroProfileGauges {

    @Inject
    MetricRegistry registry;

    @Inject
    DuplexGauges gauges;

    private final List<String> registered = new ArrayList<>();

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        for (GaugeDefinition gauge : gauges.all()) {
            registry.gauge(Metadata.builder().withName(gauge.name()).withDescription(gauge.description())
                    .withUnit(gauge.unit()).build(), gauge.value());
            registered.add(gauge.name());
        }
    }

    @PreDestroy
    void remove() {
        registered.forEach(registry::remove);
    }
}
