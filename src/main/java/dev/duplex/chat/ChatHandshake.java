package dev.duplex.chat;

import dev.duplex.account.Owners;
import dev.duplex.account.BrowserIdentity;
import dev.duplex.account.SignedInAccountCheck;
import dev.duplex.security.OriginPolicy;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.Unmanaged;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The chat WebSocket's handshake. Refuses a handshake from a page of another origin ({@link OriginPolicy}; the
 * {@code HandshakeOriginCheck} filter has refused it already, with Duplex's own 403), then puts the owner into the
 * session's user properties: the signed-in user (the container authenticated the handshake's HTTP request), or in
 * anonymous mode the browser's identity (the {@code duplex_id} cookie; a handshake without one gets a new identity,
 * for this connection only). Jakarta WebSocket 2.1 makes the user properties seen here a per-connection copy, so
 * concurrent handshakes never mix identities.
 *
 * <p>It also makes each connection's {@link ChatEndpoint} ({@link #getEndpointInstance}).
 *
 * <p>{@code checkOrigin} is given only the Origin; the Host it is compared with comes from the handshake's HTTP
 * request, which CDI holds for the request's thread (Tyrus checks the origin on that thread).
 */
public class ChatHandshake extends ServerEndpointConfig.Configurator {

    static final String OWNER = "dev.duplex.owner";
    /** What the handshake's HTTP session remembers of the password it signed in with (none for a token). */
    static final String CREDENTIALS = "dev.duplex.credentials";
    private static final Logger LOG = Logger.getLogger(ChatHandshake.class.getName());

    /** Made on the first connection, when CDI is ready; making two in a race is harmless. */
    private volatile Unmanaged<ChatEndpoint> endpoints;

    /**
     * A new endpoint for each connection, injected through one CDI injection target made once. The container's
     * default (Tyrus's CDI component provider on Payara) builds a new injection target for every connection, and
     * keeps it while the connection is open: 0.75 ms of CPU per connection on a server just started (0.1-0.3 ms
     * once compiled) and 3-4 KB of heap per open connection (docs/benchmarks.md, finding 73). The endpoint ends its
     * CDI instance when its session closes, as the default did.
     */
    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        if (endpointClass != ChatEndpoint.class) {
            return super.getEndpointInstance(endpointClass);
        }
        Unmanaged<ChatEndpoint> unmanaged = endpoints;
        if (unmanaged == null) {
            unmanaged = new Unmanaged<>(ChatEndpoint.class);
            endpoints = unmanaged;
        }
        Unmanaged.UnmanagedInstance<ChatEndpoint> instance = unmanaged.newInstance().produce().inject().postConstruct();
        ChatEndpoint endpoint = instance.get();
        endpoint.releaseWith(() -> instance.preDestroy().dispose());
        return endpointClass.cast(endpoint);
    }

    @Override
    public boolean checkOrigin(String origin) {
        return OriginPolicy.allowed(origin, ChatHandshake::host);
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        String anonymous = null;
        for (String header : request.getHeaders().getOrDefault("cookie", List.of())) {
            anonymous = anonymous != null ? anonymous : BrowserIdentity.fromHeader(header);
        }
        String owner = Owners.of(request.getUserPrincipal(), anonymous != null ? anonymous : BrowserIdentity.newId());
        if (owner != null) {
            config.getUserProperties().put(OWNER, owner);
        }
        String credentials = request.getHttpSession() instanceof HttpSession session
                ? SignedInAccountCheck.credentials(session) : null;
        if (credentials != null) {
            config.getUserProperties().put(CREDENTIALS, credentials);
        }
    }

    /** The handshake request's Host header, or null when it cannot be read (the origin is then refused). */
    private static String host() {
        try {
            return CDI.current().select(HttpServletRequest.class).get().getHeader("Host");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot read the handshake's Host to check its Origin; set "
                    + OriginPolicy.ALLOWED_ORIGINS, e);
            return null;
        }
    }
}
