package dev.duplex.chat;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import java.util.function.Function;

/** Encodes server frames as JSON with JSON-B. Threading: thread-safe. */
@ApplicationScoped
public class FrameEncoder {

    private final Jsonb jsonb;

    @Inject
    public FrameEncoder(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    /** For CDI's proxy only. */
    protected FrameEncoder() {
        this(null);
    }

    public String encode(ServerFrame frame) {
        return jsonb.toJson(frame);
    }

    /**
     * This encoder itself, not CDI's client proxy, for a connection's sender, which encodes every frame: the proxy
     * looks the bean up on each call (docs/benchmarks.md, finding 67).
     */
    Function<ServerFrame, String> unproxied() {
        return this::encode;
    }
}
