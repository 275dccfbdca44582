package dev.duplex.account;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * OpenID Connect sign-in ({@code duplex.auth.mode=oidc}), with the Nimbus OAuth 2.0 / OIDC SDK rather than
 * hand-written protocol code: the provider is found by discovery from {@code duplex.auth.oidc.provider-uri};
 * the browser is sent there with the authorization code flow (state, nonce and PKCE kept in its HTTP session);
 * on its way back the code is exchanged (client secret, HTTP Basic) and the ID token checked (signature by the
 * provider's published keys, issuer, audience, expiry, nonce). The user is named by a claim
 * ({@code preferred_username} by default) and is an admin when a groups claim holds
 * {@code duplex.auth.oidc.admin-group}.
 *
 * <p>Threading: thread-safe; the provider's metadata is read once and kept.
 */
@ApplicationScoped
public class OidcSignIn {

    static final String CALLBACK = "/oidc/callback";
    private static final Logger LOG = Logger.getLogger(OidcSignIn.class.getName());
    private static final String PENDING = "dev.duplex.oidc.pending";
    /** The ID token this session signed in with: the hint the provider's end-session endpoint asks for. */
    private static final String ID_TOKEN = "dev.duplex.oidc.id-token";

    // Optional, not defaultValue = "": MicroProfile Config treats an empty default as no value at all
    @Inject
    @ConfigProperty(name = "duplex.auth.oidc.provider-uri")
    Optional<String> providerUri;

    @Inject
    @ConfigProperty(name = "duplex.auth.oidc.client-id")
    Optional<String> clientId;

    @Inject
    @ConfigProperty(name = "duplex.auth.oidc.client-secret")
    Optional<String> clientSecret;

    @Inject
    @ConfigProperty(name = "duplex.auth.oidc.scope", defaultValue = "openid profile email")
    String scope;

    @Inject
    @ConfigProperty(name = "duplex.auth.oidc.username-claim", defaultValue = "preferred_username")
    String usernameClaim;

    @Inject
    @ConfigProperty(name = "duplex.auth.oidc.groups-claim", defaultValue = "groups")
    String groupsClaim;

    @Inject
    @ConfigProperty(name = "duplex.auth.oidc.admin-group", defaultValue = "duplex-admin")
    String adminGroup;

    private volatile Provider provider;

    /** Who signed in at the provider. */
    public record Identity(String username, boolean admin) {
    }

    /** What the browser must remember between leaving for the provider and coming back. */
    private record Pending(State state, Nonce nonce, CodeVerifier verifier, URI callback)
            implements java.io.Serializable {
    }

    /** Whether the provider and the client are named: without them {@code oidc} mode cannot start. */
    boolean configured() {
        return providerUri.filter(uri -> !uri.isBlank()).isPresent()
                && clientId.filter(id -> !id.isBlank()).isPresent();
    }

    /** Where to send a browser that has not signed in, remembering in its session what to check on return. */
    URI authorizationRedirect(HttpServletRequest request) throws IOException {
        Provider known = provider();
        Pending pending = new Pending(new State(), new Nonce(), new CodeVerifier(), callback(request));
        request.getSession(true).setAttribute(PENDING, pending);
        return new AuthenticationRequest.Builder(new ResponseType(ResponseType.Value.CODE), Scope.parse(scope),
                new ClientID(clientId.orElseThrow()), pending.callback())
                .endpointURI(known.metadata().getAuthorizationEndpointURI())
                .state(pending.state())
                .nonce(pending.nonce())
                .codeChallenge(pending.verifier(), CodeChallengeMethod.S256)
                .build().toURI();
    }

    /** The user, if this request is a valid return from the provider; empty (and logged) otherwise. */
    Optional<Identity> complete(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Pending pending = session == null ? null : (Pending) session.getAttribute(PENDING);
        if (pending == null || !pending.state().getValue().equals(request.getParameter("state"))
                || request.getParameter("code") == null) {
            LOG.info("OpenID Connect return without a matching state or without a code: refused");
            return Optional.empty();
        }
        session.removeAttribute(PENDING);
        try {
            Provider known = provider();
            TokenRequest tokens = new TokenRequest(known.metadata().getTokenEndpointURI(),
                    new ClientSecretBasic(new ClientID(clientId.orElseThrow()), new Secret(clientSecret.orElse(""))),
                    new AuthorizationCodeGrant(new AuthorizationCode(request.getParameter("code")),
                            pending.callback(), pending.verifier()));
            var response = OIDCTokenResponseParser.parse(tokens.toHTTPRequest().send());
            if (!response.indicatesSuccess()) {
                LOG.info(() -> "The OpenID provider refused the code: "
                        + response.toErrorResponse().getErrorObject().getDescription());
                return Optional.empty();
            }
            var idToken = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
            JWTClaimsSet claims = known.validator().validate(idToken, pending.nonce()).toJWTClaimsSet();
            Object name = claims.getClaim(usernameClaim);
            String username = name instanceof String text && !text.isBlank() ? text : claims.getSubject();
            Object groups = claims.getClaim(groupsClaim);
            boolean admin = groups instanceof List<?> list && list.contains(adminGroup);
            session.setAttribute(ID_TOKEN, idToken.serialize());
            return Optional.of(new Identity(username, admin));
        } catch (IOException | ParseException | com.nimbusds.jose.JOSEException
                 | com.nimbusds.jose.proc.BadJOSEException e) {
            LOG.log(Level.INFO, "OpenID Connect sign-in failed", e);
            return Optional.empty();
        }
    }

    /**
     * Where to send a browser that signs out so that it signs out of the provider as well (OpenID Connect
     * RP-Initiated Logout): the provider's {@code end_session_endpoint}, with the session's ID token as the hint and
     * Duplex's page to come back to (which then sends the browser to sign in again). Empty when the session did not
     * sign in at the provider, or the provider publishes no such endpoint: the sign-out is then Duplex's alone.
     * Call it before the session is invalidated.
     */
    Optional<URI> endSessionRedirect(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        Object idToken = session == null ? null : session.getAttribute(ID_TOKEN);
        if (idToken == null) {
            return Optional.empty();
        }
        try {
            URI endpoint = provider().metadata().getEndSessionEndpointURI();
            if (endpoint == null) {
                return Optional.empty();
            }
            return Optional.of(new LogoutRequest(endpoint, JWTParser.parse((String) idToken), null,
                    new ClientID(clientId.orElseThrow()), URI.create(base(request) + request.getContextPath() + "/"),
                    new State(), null).toURI());
        } catch (IOException | java.text.ParseException e) {
            LOG.log(Level.INFO, "Signed out of Duplex only: the OpenID provider's end-session endpoint is unknown", e);
            return Optional.empty();
        }
    }

    /** The provider's metadata (discovery) and an ID token validator for its keys, read on first use. */
    private Provider provider() throws IOException {
        Provider known = provider;
        if (known == null) {
            try {
                OIDCProviderMetadata metadata = OIDCProviderMetadata.resolve(new Issuer(providerUri.orElseThrow()));
                IDTokenValidator validator = new IDTokenValidator(metadata.getIssuer(),
                        new ClientID(clientId.orElseThrow()),
                        JWSAlgorithm.RS256, metadata.getJWKSetURI().toURL());
                known = new Provider(metadata, validator);
                provider = known;
            } catch (com.nimbusds.oauth2.sdk.GeneralException e) {
                throw new IOException("Cannot read the OpenID provider's configuration from "
                        + providerUri.orElse("?"), e);
            }
        }
        return known;
    }

    private static URI callback(HttpServletRequest request) {
        return URI.create(base(request) + request.getContextPath() + CALLBACK);
    }

    /** Scheme, host and port the browser used. */
    private static String base(HttpServletRequest request) {
        StringBuffer url = request.getRequestURL();
        return url.substring(0, url.length() - request.getRequestURI().length());
    }

    private record Provider(OIDCProviderMetadata metadata, IDTokenValidator validator) {
    }
}
