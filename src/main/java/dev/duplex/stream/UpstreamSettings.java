package dev.duplex.stream;

import dev.duplex.demo.DemoAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;

/**
 * The upstream settings as they are now. Read from MicroProfile Config on every call, so a change made with
 * Payara's {@code set-config-property} applies to the next generation without a restart. With no
 * {@code duplex.upstream.base-url}, the built-in demo model on this server's own listener is the upstream.
 */
@ApplicationScoped
public class UpstreamSettings {

    public static final String DEMO_MODEL = "duplex-demo";
    static final String BASE_URL = "duplex.upstream.base-url";

    @Inject
    Config config;

    @Inject
    DemoAddress demoAddress;

    /** True when no upstream is configured and the built-in demo model answers. */
    public boolean demo() {
        return configuredBaseUrl().isEmpty();
    }

    /** The model used when a message names none. */
    public String defaultModel() {
        return text("duplex.upstream.model").orElse(demo() ? DEMO_MODEL : "gpt-4o-mini");
    }

    /** Every model a message may name: the default one first, then those in {@code duplex.upstream.models}. */
    public List<String> models() {
        Set<String> models = new LinkedHashSet<>();
        models.add(defaultModel());
        text("duplex.upstream.models").ifPresent(list -> {
            for (String model : list.split(",")) {
                if (!model.isBlank()) {
                    models.add(model.strip());
                }
            }
        });
        return new ArrayList<>(models);
    }

    Optional<URI> baseUrl() {
        Optional<String> configured = configuredBaseUrl();
        return configured.isPresent() ? configured.map(URI::create) : demoAddress.baseUrl();
    }

    Optional<String> apiKey() {
        return text("duplex.upstream.api-key");
    }

    long firstTokenTimeoutMs() {
        return config.getOptionalValue("duplex.upstream.first-token-timeout-ms", Long.class).orElse(120_000L);
    }

    long idleTimeoutMs() {
        return config.getOptionalValue("duplex.upstream.idle-timeout-ms", Long.class).orElse(60_000L);
    }

    long connectTimeoutMs() {
        return config.getOptionalValue("duplex.upstream.connect-timeout-ms", Long.class).orElse(10_000L);
    }

    int threads() {
        return config.getOptionalValue("duplex.upstream.threads", Integer.class)
                .orElse(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    }

    private Optional<String> configuredBaseUrl() {
        return text(BASE_URL);
    }

    private Optional<String> text(String key) {
        return config.getOptionalValue(key, String.class).map(String::strip).filter(s -> !s.isEmpty());
    }
}
