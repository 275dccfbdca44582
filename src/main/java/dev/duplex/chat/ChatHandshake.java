package dev.duplex.chat;

import dev.duplex.conversation.BrowserIdentity;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;

/**
 * Reads the browser's identity (the {@code duplex_id} cookie) from the WebSocket handshake into the session's
 * user properties; a handshake without one gets a new identity, for this connection only. Jakarta WebSocket 2.1
 * makes the user properties seen here a per-connection copy, so concurrent handshakes never mix identities.
 */
public class IdentityConfigurator extends ServerEndpointConfig.Configurator {

    static final String OWNER = "dev.duplex.owner";

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        String owner = null;
        for (String header : request.getHeaders().getOrDefault("cookie", List.of())) {
            owner = owner != null ? owner : BrowserIdentity.fromHeader(header);
        }
        config.getUserProperties().put(OWNER, owner != null ? owner : BrowserIdentity.newId());
    }
}
