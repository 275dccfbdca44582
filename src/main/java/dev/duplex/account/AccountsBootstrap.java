package dev.duplex.account;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Checks the sign-in configuration at startup ({@code oidc} needs its provider and client), and creates the first
 * admin, on the first start in {@code form} mode (no account exists yet): named by
 * {@code duplex.auth.bootstrap-admin} (default {@code admin}) with {@code duplex.auth.bootstrap-password}; when no
 * password is configured one is generated and written to the server log once, so a fresh install can be signed
 * into. Later starts change nothing, whatever the configuration says. Runs after the schema migration.
 */
@ApplicationScoped
public class AccountsBootstrap {

    private static final Logger LOG = Logger.getLogger(AccountsBootstrap.class.getName());

    @Inject
    Accounts accounts;

    @Inject
    @ConfigProperty(name = "duplex.auth.bootstrap-admin", defaultValue = "admin")
    String admin;

    @Inject
    @ConfigProperty(name = "duplex.auth.bootstrap-password")
    Optional<String> password;

    @Inject
    OidcSignIn oidc;

    void bootstrap(@Observes @Priority(Interceptor.Priority.APPLICATION + 900)
                   @Initialized(ApplicationScoped.class) Object started) {
        AuthMode mode = AuthMode.current();
        if (mode == AuthMode.OIDC && !oidc.configured()) {
            throw new IllegalStateException(AuthMode.KEY + "=oidc needs duplex.auth.oidc.provider-uri and "
                    + "duplex.auth.oidc.client-id (and usually duplex.auth.oidc.client-secret)");
        }
        if (mode != AuthMode.FORM || accounts.count() > 0) {
            return;
        }
        if (password.isPresent()) {
            accounts.create(admin, password.get(), true);
            LOG.info(() -> "First start: created the admin account " + admin + " from duplex.auth.bootstrap-*");
            return;
        }
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        accounts.create(admin, generated, true);
        LOG.warning("First start: created the admin account \"" + admin + "\" with the generated password "
                + generated + " (shown this once). Sign in at /login.html; set duplex.auth.bootstrap-password "
                + "before the first start to choose it instead.");
    }
}
