package dev.duplex.provider;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.text.Excerpt;
import java.util.List;
import java.util.Map;

/**
 * The providers and models as configured at one moment: what a message may pick and where each model goes.
 * {@code demo} is true when nothing is configured and the built-in demo model answers.
 */
public record Catalogue(Map<String, Provider> providers, Map<String, ModelEntry> models, String defaultModel,
                        String currency, boolean demo) {

    /** The model a message asked for ({@code null}: the default), or {@code unknown_model}. */
    public ModelEntry model(String id) {
        String wanted = id != null ? id : defaultModel;
        ModelEntry model = wanted == null ? null : models.get(wanted);
        if (model == null) {
            throw new DuplexException(ErrorCode.UNKNOWN_MODEL, models.isEmpty()
                    ? "No model is configured on this server."
                    : "Unknown model \"" + Excerpt.ofInput(wanted)
                            + "\"; available: " + String.join(", ", models.keySet()));
        }
        return model;
    }

    /** The model and its fallbacks, in order, each once, only those that are in the catalogue. */
    public List<ModelEntry> chain(ModelEntry first) {
        java.util.LinkedHashMap<String, ModelEntry> chain = new java.util.LinkedHashMap<>();
        chain.put(first.id(), first);
        for (String id : first.fallback()) {
            ModelEntry fallback = models.get(id);
            if (fallback != null) {
                chain.putIfAbsent(id, fallback);
            }
        }
        return List.copyOf(chain.values());
    }

    public Provider provider(ModelEntry model) {
        return providers.get(model.provider());
    }
}
