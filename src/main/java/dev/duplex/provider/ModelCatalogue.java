package dev.duplex.provider;

import dev.duplex.demo.DemoAddress;
import dev.duplex.threads.NamedThreads;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * Reads the providers ({@code duplex.provider.<name>.*}) and the model catalogue ({@code duplex.model.<id>.*})
 * from MicroProfile Config, and again every {@code duplex.catalogue.refresh-ms} (default 1000) on a thread of its
 * own, so a change made with Payara's {@code set-config-property} applies within a second without a restart, and
 * no message waits for a read. Reading it for every message cost 28% of the server's CPU at 500 sessions, and a
 * read on the message's thread once a second still added 1-4 ms to one message in a hundred at 100 sessions:
 * finding the names scans every property of every config source (docs/benchmarks.md, findings 5 and 72). The
 * core's {@code duplex.upstream.*} keys define one OpenAI-compatible provider named {@code upstream}; with nothing
 * configured, the built-in demo model answers. A broken entry (unknown kind, model of an unknown provider) is left
 * out and logged once.
 *
 * <p>Threading: thread-safe; the current {@link Catalogue} is immutable and replaced whole. The first use reads it
 * on the caller's thread, as does every use while the demo model's address is not known yet; the timer thread
 * ({@code duplex-catalogue}) is this bean's and ends with it. A caller and the timer may both read it at once;
 * either result is right. A read that fails keeps the catalogue read last (and is logged).
 */
@ApplicationScoped
public class ModelCatalogue {

    public static final String DEMO_MODEL = "duplex-demo";
    static final String UPSTREAM_PROVIDER = "upstream";
    static final String DEMO_PROVIDER = "demo";
    private static final Pattern PROVIDER_KEY = Pattern.compile("duplex\\.provider\\.([^.]+)\\.kind");
    private static final Pattern MODEL_KEY = Pattern.compile("duplex\\.model\\.(.+)\\.provider");
    private static final Logger LOG = Logger.getLogger(ModelCatalogue.class.getName());

    @Inject
    Config config;

    @Inject
    DemoAddress demoAddress;

    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    /** The catalogue read last; null before the first read, and while the demo model's address is unknown. */
    private volatile Catalogue loaded;
    private ScheduledExecutorService timer;
    /** Whether the timer's last read failed; the timer's own. */
    private boolean lastReadFailed;

    @PostConstruct
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(NamedThreads.factory("duplex-catalogue"));
        scheduleReread();
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /** The catalogue as configured now (at most {@code duplex.catalogue.refresh-ms} old). */
    public Catalogue current() {
        Catalogue last = loaded;
        return last != null ? last : load();
    }

    private Catalogue load() {
        Catalogue fresh = read();
        boolean demoAddressKnown = !fresh.demo() || fresh.providers().get(DEMO_PROVIDER).baseUrl() != null;
        loaded = demoAddressKnown ? fresh : null;
        return fresh;
    }

    /**
     * The timer's read, then the next one; {@code duplex.catalogue.refresh-ms} is read again each time. A failure is
     * logged once until a read succeeds again.
     */
    private void reread() {
        try {
            load();
            lastReadFailed = false;
        } catch (RuntimeException e) {
            if (!lastReadFailed) {
                LOG.log(Level.WARNING, "Could not read the model catalogue again; the one read last still applies", e);
            }
            lastReadFailed = true;
        } finally {
            scheduleReread();
        }
    }

    private void scheduleReread() {
        try {
            timer.schedule(this::reread, Math.max(1, refreshMs()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // the bean is being destroyed
        }
    }

    private long refreshMs() {
        return config.getOptionalValue("duplex.catalogue.refresh-ms", Long.class).orElse(1000L);
    }

    private Catalogue read() {
        Map<String, Provider> providers = new LinkedHashMap<>();
        Map<String, ModelEntry> models = new LinkedHashMap<>();
        Optional<String> upstreamUrl = text("duplex.upstream.base-url");
        List<String> providerNames = names("duplex.providers", PROVIDER_KEY);
        boolean demo = upstreamUrl.isEmpty() && providerNames.isEmpty();
        if (demo) {
            providers.put(DEMO_PROVIDER, new Provider(DEMO_PROVIDER, ProviderKind.OPENAI,
                    demoAddress.baseUrl().orElse(null), null, Map.of(), null));
        } else if (upstreamUrl.isPresent()) {
            providers.put(UPSTREAM_PROVIDER, new Provider(UPSTREAM_PROVIDER, ProviderKind.OPENAI,
                    URI.create(upstreamUrl.get()), text("duplex.upstream.api-key").orElse(null), Map.of(), null));
        }
        for (String name : providerNames) {
            provider(name).ifPresent(provider -> providers.put(name, provider));
        }
        String legacyProvider = demo ? DEMO_PROVIDER : UPSTREAM_PROVIDER;
        Optional<String> legacyDefault = text("duplex.upstream.model");
        if (demo || upstreamUrl.isPresent()) {
            addModel(models, providers, legacyDefault.orElse(demo ? DEMO_MODEL : "gpt-4o-mini"), legacyProvider);
            list("duplex.upstream.models").forEach(id -> addModel(models, providers, id, legacyProvider));
        }
        for (String name : providerNames) {
            list("duplex.provider." + name + ".models").forEach(id -> addModel(models, providers, id, name));
        }
        for (String id : names("duplex.models", MODEL_KEY)) {
            addModel(models, providers, id, null);
        }
        String defaultModel = text("duplex.default-model").or(() -> legacyDefault)
                .filter(models::containsKey)
                .orElse(models.isEmpty() ? null : models.keySet().iterator().next());
        return new Catalogue(Map.copyOf(providers), java.util.Collections.unmodifiableMap(models), defaultModel,
                text("duplex.currency").orElse("USD"), demo);
    }

    private Optional<Provider> provider(String name) {
        String prefix = "duplex.provider." + name + ".";
        Optional<String> kindText = text(prefix + "kind");
        if (kindText.isEmpty()) {
            return problem("provider " + name + " has no " + prefix + "kind");
        }
        ProviderKind kind;
        try {
            kind = ProviderKind.parse(kindText.get());
        } catch (IllegalArgumentException e) {
            return problem("provider " + name + " has unknown kind \"" + kindText.get()
                    + "\" (openai, anthropic, gemini or ollama)");
        }
        Optional<String> baseUrl = text(prefix + "base-url").or(() -> Optional.ofNullable(kind.defaultBaseUrl()));
        if (baseUrl.isEmpty()) {
            return problem("provider " + name + " has no " + prefix + "base-url");
        }
        try {
            return Optional.of(new Provider(name, kind, URI.create(baseUrl.get()),
                    text(prefix + "api-key").orElse(null), headers(prefix + "headers"),
                    config.getOptionalValue(prefix + "timeout", Long.class).orElse(null)));
        } catch (IllegalArgumentException e) {
            return problem("provider " + name + ": " + e.getMessage());
        }
    }

    /** Adds model {@code id} once; its provider is {@code duplex.model.<id>.provider}, else {@code provider}. */
    private void addModel(Map<String, ModelEntry> models, Map<String, Provider> providers, String id, String provider) {
        if (models.containsKey(id)) {
            return;
        }
        String prefix = "duplex.model." + id + ".";
        String owner = text(prefix + "provider").orElse(provider);
        if (owner == null || !providers.containsKey(owner)) {
            problem("model " + id + " names provider \"" + owner + "\", which is not configured");
            return;
        }
        try {
            models.put(id, new ModelEntry(id, owner, text(prefix + "name").orElse(id),
                    text(prefix + "display-name").orElse(id),
                    config.getOptionalValue(prefix + "max-output-tokens", Integer.class).orElse(null),
                    config.getOptionalValue(prefix + "context-window", Integer.class).orElse(null),
                    text(prefix + "price-input").map(BigDecimal::new).orElse(null),
                    text(prefix + "price-output").map(BigDecimal::new).orElse(null),
                    list(prefix + "fallback")));
        } catch (IllegalArgumentException e) {
            problem("model " + id + ": " + e.getMessage());
        }
    }

    /** The names listed in {@code listKey}, else those found in property names matching {@code pattern}. */
    private List<String> names(String listKey, Pattern pattern) {
        List<String> listed = list(listKey);
        if (!listed.isEmpty()) {
            return listed;
        }
        Set<String> found = new java.util.TreeSet<>();
        for (String name : config.getPropertyNames()) {
            Matcher matcher = pattern.matcher(name);
            if (matcher.matches()) {
                found.add(matcher.group(1));
            }
        }
        return new ArrayList<>(found);
    }

    /** {@code Name: value} pairs separated by commas (a comma inside a value is written {@code \,}). */
    private Map<String, String> headers(String key) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String entry : list(key)) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(key + " entry \"" + entry + "\" is not \"Name: value\"");
            }
            headers.put(entry.substring(0, colon).strip(), entry.substring(colon + 1).strip());
        }
        return headers;
    }

    private List<String> list(String key) {
        Set<String> values = new LinkedHashSet<>();
        config.getOptionalValues(key, String.class).ifPresent(all -> all.stream()
                .map(String::strip).filter(s -> !s.isEmpty()).forEach(values::add));
        return new ArrayList<>(values);
    }

    private Optional<String> text(String key) {
        return config.getOptionalValue(key, String.class).map(String::strip).filter(s -> !s.isEmpty());
    }

    private <T> Optional<T> problem(String message) {
        if (reported.add(message)) {
            LOG.warning("Configuration left out: " + message);
        }
        return Optional.empty();
    }
}
