package dev.duplex.account;

import dev.duplex.api.Problem;
import dev.duplex.error.DuplexException;
import dev.duplex.limit.MessageRate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.AutoApplySession;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How a request says who it is, by {@code duplex.auth.mode}. In {@code form} mode: the page's sign-in form
 * (a POST to {@code login}), remembered in the HTTP session ({@link AutoApplySession}); in {@code oidc} mode the
 * return from the OpenID provider ({@link OidcSignIn}), remembered the same way; in both, a personal API token
 * ({@code Authorization: Bearer dpx_...}) on any request, the WebSocket handshake included; and HTTP Basic with
 * the user's password, for {@code POST /api/tokens} only (form mode: how a script gets its first token). A
 * request that is none of these reaches only the sign-in page and what it needs (and, with Duplex at the root
 * context, the server's own endpoints); the page itself is redirected there (or to the provider), the API and the
 * WebSocket answer 401 before anything else. In {@code anonymous} mode nobody signs in.
 *
 * <p>Threading: stateless; the container calls it for every request.
 */
@ApplicationScoped
@AutoApplySession
public class DuplexAuthentication implements HttpAuthenticationMechanism {

    /** What a browser that has not signed in may load: the sign-in page and its assets. */
    private static final Set<String> PUBLIC = Set.of("/login.html", "/login.js", "/app.css", "/i18n.js",
            "/api/info", "/favicon.ico");

    @Inject
    IdentityStoreHandler identityStores;

    @Inject
    OidcSignIn oidc;

    @Inject
    Accounts accounts;

    @Inject
    MessageRate rate;

    @Inject
    @ConfigProperty(name = "duplex.limits.sign-ins-per-minute", defaultValue = "10")
    int signInsPerMinute;

    /**
     * The endpoints the server itself adds to the application at its root context: Payara registers its
     * MicroProfile Health, Metrics and OpenAPI servlets in the web module at {@code /} (normally its own default
     * module, Duplex's when Duplex is deployed there). They keep their own access rules, as at any other root.
     */
    @Inject
    @ConfigProperty(name = "duplex.auth.container-endpoints", defaultValue = "health,metrics,openapi")
    List<String> containerEndpoints;

    private static final Logger LOG = Logger.getLogger(DuplexAuthentication.class.getName());

    private final AuthMode mode = AuthMode.current();

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        if (mode == AuthMode.ANONYMOUS) {
            return context.doNothing();
        }
        String path = path(request);
        if (request.getContextPath().isEmpty() && isContainerEndpoint(path)) {
            return context.doNothing();
        }
        String authorization = request.getHeader("Authorization");
        if (isBearer(authorization)) {
            return login(context, new ApiTokenCredential(authorization.substring(7).strip()), request,
                    response);
        }
        if (mode == AuthMode.OIDC && path.equals(OidcSignIn.CALLBACK)) {
            OidcSignIn.Identity who = oidc.complete(request).orElse(null);
            if (who == null) {
                return unauthorized(request, response, "The sign-in at the OpenID provider did not complete.");
            }
            if (who.username().length() > Accounts.MAX_USERNAME) {
                LOG.warning(() -> "Refused a sign-in at the OpenID provider: its name for the user, \"" + who.username()
                        + "\", is longer than the " + Accounts.MAX_USERNAME + " characters an account's name may"
                        + " have. Set duplex.auth.oidc.username-claim to a shorter claim of the provider's ID token.");
                return unauthorized(request, response, "The OpenID provider's name for you is longer than "
                        + Accounts.MAX_USERNAME + " characters, more than an account's name may have: the"
                        + " administrator can choose another claim (duplex.auth.oidc.username-claim).");
            }
            UserEntity user = accounts.external(who.username(), who.admin());
            return context.notifyContainerAboutLogin(user.username(), AccountIdentityStore.groups(user));
        }
        if (mode == AuthMode.FORM && authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)
                && path.equals("/api/tokens") && "POST".equals(request.getMethod())) {
            UsernamePasswordCredential credential = basic(authorization.substring(6).strip());
            if (credential == null) {
                return unauthorized(request, response, "The Basic credentials are malformed.");
            }
            Long waitMs = signInWait(credential.getCaller());
            return waitMs != null ? tooManySignIns(request, response, waitMs)
                    : login(context, credential, request, response);
        }
        if (mode == AuthMode.FORM && path.equals("/login") && "POST".equals(request.getMethod())) {
            String username = request.getParameter("username");
            String password = request.getParameter("password");
            Long waitMs = username == null ? null : signInWait(username);
            if (waitMs != null) {
                return redirect(response, request.getContextPath() + "/login.html?wait="
                        + DuplexException.seconds(waitMs));
            }
            if (username != null && password != null) {
                CredentialValidationResult result = identityStores.validate(
                        new UsernamePasswordCredential(username, password));
                if (result.getStatus() == CredentialValidationResult.Status.VALID) {
                    return context.notifyContainerAboutLogin(result);
                }
            }
            return context.doNothing(); // the login servlet sends the browser back to the form
        }
        boolean formPage = path.startsWith("/login"); // in oidc mode the provider has the sign-in page
        if (PUBLIC.contains(path) && !(mode == AuthMode.OIDC && formPage) || path.startsWith("/demo/")
                || path.equals("/logout")) {
            return context.doNothing();
        }
        if (path.startsWith("/api/") || path.startsWith("/ws/")) {
            return unauthorized(request, response, "Sign in, or send a personal API token as Authorization: Bearer.");
        }
        // 302 to a path, not the absolute URL sendRedirect makes of it from the request's scheme: behind a proxy
        // that ends TLS and sends no scheme the server maps, that was http on the proxy's https port
        try {
            response.setHeader("Location", mode == AuthMode.OIDC ? oidc.authorizationRedirect(request).toString()
                    : request.getContextPath() + "/login.html");
        } catch (IOException e) { // the provider's metadata could not be read: read again at the next request
            LOG.warning("Cannot send a browser to the OpenID provider to sign in: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause() + ")" : ""));
            return problem(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "sign_in_unavailable",
                    "Service Unavailable", "The sign-in provider cannot be reached now; try again in a moment.", "");
        }
        response.setStatus(HttpServletResponse.SC_FOUND);
        return AuthenticationStatus.SEND_CONTINUE;
    }

    /**
     * The request's path within the application as the container mapped it: decoded and without dot segments, so
     * that {@code /demo/../api/models} is judged as the {@code /api/models} it reaches, not as the raw URI reads.
     */
    static String path(HttpServletRequest request) {
        String info = request.getPathInfo();
        return info == null ? request.getServletPath() : request.getServletPath() + info;
    }

    private boolean isContainerEndpoint(String path) {
        for (String endpoint : containerEndpoints) {
            String root = "/" + endpoint.strip();
            if (path.equals(root) || path.startsWith(root + "/")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Null when {@code username} may try a password now, else how long to wait: every attempt costs a PBKDF2
     * hash, so guesses (and the CPU they burn) are limited to {@code duplex.limits.sign-ins-per-minute} a name.
     */
    private Long signInWait(String username) {
        try {
            rate.take("sign-in:" + username, signInsPerMinute);
            return null;
        } catch (DuplexException limited) {
            return limited.retryAfterMs();
        }
    }

    private static AuthenticationStatus tooManySignIns(HttpServletRequest request, HttpServletResponse response,
                                                       long waitMs) {
        response.setHeader("Retry-After", Long.toString(DuplexException.seconds(waitMs)));
        return problem(request, response, 429, "rate_limited", "Too Many Requests",
                "Too many sign-in attempts for this name.", ",\"retry_after_ms\":" + waitMs);
    }

    private static AuthenticationStatus redirect(HttpServletResponse response, String location) {
        LoginServlet.redirect(response, location);
        return AuthenticationStatus.SEND_CONTINUE;
    }

    private AuthenticationStatus login(HttpMessageContext context, Credential credential,
                                       HttpServletRequest request, HttpServletResponse response) {
        CredentialValidationResult result = identityStores.validate(credential);
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            return unauthorized(request, response, "The token or password is not valid.");
        }
        return context.notifyContainerAboutLogin(result.getCallerPrincipal(), result.getCallerGroups());
    }

    private static UsernamePasswordCredential basic(String encoded) {
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon <= 0 ? null : new UsernamePasswordCredential(decoded.substring(0, colon),
                    decoded.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** 401 with an RFC 9457 problem, before the request reaches the API or the WebSocket. */
    private static AuthenticationStatus unauthorized(HttpServletRequest request, HttpServletResponse response,
                                                     String detail) {
        writeUnauthorized(request, response, detail);
        return AuthenticationStatus.SEND_FAILURE;
    }

    /** Whether an {@code Authorization} header (or null) carries a personal API token. */
    static boolean isBearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7);
    }

    /** The 401 {@code unauthorized} problem of every refused request, with the challenge a client can answer. */
    static void writeUnauthorized(HttpServletRequest request, HttpServletResponse response, String detail) {
        response.setHeader("WWW-Authenticate", "Bearer realm=\"duplex\"");
        Problem.write(request, response, HttpServletResponse.SC_UNAUTHORIZED, "unauthorized", "Unauthorized", detail,
                "");
    }

    private static AuthenticationStatus problem(HttpServletRequest request, HttpServletResponse response, int status,
                                                String code, String title, String detail, String more) {
        Problem.write(request, response, status, code, title, detail, more);
        return AuthenticationStatus.SEND_FAILURE;
    }
}
