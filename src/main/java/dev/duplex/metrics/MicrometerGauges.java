package dev.duplex.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes {@link DuplexGauges} in the server's Micrometer registry, at the deployment's start: WildFly's
 * micrometer subsystem (server-config/wildfly/metrics.cli) serves them in Prometheus text, under the same names as
 * Payara's {@code /metrics}. Removes them when the application stops. Left out where the server has no Micrometer
 * (WEB-INF/beans.xml); does nothing where it has the API but no registry to inject.
 *
 * <p>No Micrometer type appears in a field or a method's signature, only in method bodies: Payara's annotation
 * scanner loads the types of every class's fields and methods, and logs a SEVERE error for those it cannot find.
 */
@ApplicationScoped
public class MicrometerGauges {

    @Inject
    DuplexGauges gauges;

    /** The registry, and the meters this bean added to it (Micrometer types, see above). */
    private Object registry;
    private final List<Object> registered = new ArrayList<>();

    void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
        Instance<MeterRegistry> registries = CDI.current().select(MeterRegistry.class);
        if (!registries.isResolvable()) {
            return;
        }
        MeterRegistry meters = registries.get();
        registry = meters;
        for (GaugeDefinition gauge : gauges.all()) {
            // the Supplier form holds the reader strongly: Micrometer's object form holds it weakly, and a
            // collected reader reads NaN
            registered.add(Gauge.builder(gauge.name(), gauge.value())
                    .description(gauge.description())
                    .baseUnit(GaugeDefinition.NONE.equals(gauge.unit()) ? null : gauge.unit())
                    .register(meters));
        }
    }

    @PreDestroy
    void remove() {
        for (Object meter : registered) {
            ((MeterRegistry) registry).remove((Meter) meter);
        }
    }
}
