package dev.duplex.api;

import dev.duplex.provider.Catalogue;
import dev.duplex.provider.CircuitBreakers;
import dev.duplex.provider.ModelCatalogue;
import dev.duplex.provider.ModelEntry;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.util.List;

/**
 * {@code GET /api/models}: the models a user may pick, in catalogue order, with what the catalogue says of each
 * and whether its provider is answering now ({@code provider_status}: its circuit breaker's state). Never a key,
 * a header or a provider's address.
 */
@Path("models")
public class ModelsResource {

    public record Model(String id, @JsonbProperty("display_name") String displayName, String provider,
                        @JsonbProperty("provider_kind") String providerKind,
                        @JsonbProperty("provider_status") String providerStatus,
                        @JsonbProperty("default") boolean isDefault,
                        @JsonbProperty("max_output_tokens") Integer maxOutputTokens,
                        @JsonbProperty("context_window") Integer contextWindow,
                        @JsonbProperty("price_input") BigDecimal priceInput,
                        @JsonbProperty("price_output") BigDecimal priceOutput, String currency,
                        List<String> fallback) {
    }

    public record Models(boolean demo, @JsonbProperty("default_model") String defaultModel, List<Model> models) {
    }

    @Inject
    ModelCatalogue catalogue;

    @Inject
    CircuitBreakers breakers;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Models models() {
        Catalogue current = catalogue.current();
        List<Model> models = current.models().values().stream().map(model -> model(current, model)).toList();
        return new Models(current.demo(), current.defaultModel(), models);
    }

    private Model model(Catalogue catalogue, ModelEntry model) {
        boolean priced = model.priceInput() != null || model.priceOutput() != null;
        return new Model(model.id(), model.displayName(), model.provider(),
                catalogue.provider(model).kind().wireName(), breakers.state(model.provider()),
                model.id().equals(catalogue.defaultModel()), model.maxOutputTokens(), model.contextWindow(),
                model.priceInput(), model.priceOutput(), priced ? catalogue.currency() : null, model.fallback());
    }
}
