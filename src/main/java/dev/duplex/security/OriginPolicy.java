package dev.duplex.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Which pages may open the chat WebSocket, against cross-site WebSocket hijacking (a page of another site using
 * the browser's cookie): a browser always sends its page's {@code Origin} with the handshake. Allowed are the
 * origins of {@code duplex.ws.allowed-origins} ({@code *} for any), or, when none is configured, the page's own
 * origin: one whose host and port are the request's {@code Host}. No Origin at all (a script, not a browser) is
 * allowed: such a client holds whatever credentials it sends itself.
 */
public final class OriginPolicy {

    public static final String ALLOWED_ORIGINS = "duplex.ws.allowed-origins";

    private OriginPolicy() {
    }

    /** {@code origin} judged with the configured origins, or, when none is, with the request's {@code host}. */
    public static boolean allowed(String origin, Supplier<String> host) {
        List<String> configured = ConfigProvider.getConfig().getOptionalValues(ALLOWED_ORIGINS, String.class)
                .orElse(List.of());
        return allowed(origin, origin == null || !configured.isEmpty() ? null : host.get(), configured);
    }

    public static boolean allowed(String origin, String host, List<String> configured) {
        if (origin == null) {
            return true;
        }
        String normalized = normalize(origin);
        if (!configured.isEmpty()) {
            return configured.stream().map(OriginPolicy::normalize)
                    .anyMatch(allowed -> allowed.equals("*") || allowed.equals(normalized));
        }
        return host != null && !host.isBlank() && authority(normalized).equals(host.strip().toLowerCase(Locale.ROOT));
    }

    private static String normalize(String origin) {
        String stripped = origin.strip().toLowerCase(Locale.ROOT);
        return stripped.endsWith("/") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }

    /** {@code host[:port]} of an origin, or "" when it is not a URL ({@code null}, opaque origins). */
    private static String authority(String origin) {
        try {
            String authority = URI.create(origin).getRawAuthority();
            return authority == null ? "" : authority;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
