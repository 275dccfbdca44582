package dev.duplex.api;

import dev.duplex.chat.ChatEndpoint;
import dev.duplex.provider.Catalogue;
import dev.duplex.provider.ModelCatalogue;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /api/info}: what the page needs before it connects: whether the demo model answers, the default
 * model, the models a message may name, and the largest frame the server accepts. Never an API key.
 */
@Path("info")
public class InfoResource {

    public record Info(boolean demo, @JsonbProperty("default_model") String defaultModel, List<String> models,
                       @JsonbProperty("max_frame_bytes") int maxFrameBytes) {
    }

    @Inject
    ModelCatalogue catalogue;

    @Inject
    @ConfigProperty(name = ChatEndpoint.MAX_FRAME_BYTES, defaultValue = ChatEndpoint.DEFAULT_MAX_FRAME_BYTES)
    int maxFrameBytes;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Info info() {
        Catalogue current = catalogue.current();
        return new Info(current.demo(), current.defaultModel(), List.copyOf(current.models().keySet()), maxFrameBytes);
    }
}
