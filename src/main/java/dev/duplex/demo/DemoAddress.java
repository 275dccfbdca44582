package dev.duplex.demo;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;

/**
 * Where this server's own demo endpoint can be reached: learned from the first request the application serves
 * (its local address, port and context path), because the listener's port is only known to the container.
 *
 * <p>Threading: written once by a request thread, read by any; the field is volatile.
 */
@ApplicationScoped
public class DemoAddress {

    private volatile URI baseUrl;

    public Optional<URI> baseUrl() {
        return Optional.ofNullable(baseUrl);
    }

    boolean known() {
        return baseUrl != null;
    }

    void learn(String localAddress, int localPort, String contextPath) {
        if (baseUrl != null) {
            return;
        }
        try {
            String host = localAddress == null || localAddress.isEmpty() || isWildcard(localAddress)
                    ? "127.0.0.1" : localAddress;
            baseUrl = new URI("http", null, host, localPort, contextPath + "/demo/v1", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Cannot form the demo address from " + localAddress, e);
        }
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("0:0:0:0:0:0:0:0");
    }
}
