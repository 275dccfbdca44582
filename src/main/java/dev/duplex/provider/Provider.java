package dev.duplex.provider;

import java.net.URI;
import java.util.Map;

/**
 * A configured provider ({@code duplex.provider.<name>.*}): its API kind, base URL, key, extra headers and the
 * time it may take to start answering ({@code timeoutMs}, null for the global first-token timeout).
 */
public record Provider(String name, ProviderKind kind, URI baseUrl, String apiKey, Map<String, String> headers,
                       Long timeoutMs) {

    @Override
    public String toString() {
        return "Provider[" + name + ", " + kind + ", " + baseUrl + "]";
    }
}
