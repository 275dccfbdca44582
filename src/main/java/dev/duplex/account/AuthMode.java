package dev.duplex.account;

import java.util.Locale;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * How users are known, from {@code duplex.auth.mode}: {@code form} (accounts with passwords, the default),
 * {@code oidc} (sign-in at an OpenID Connect provider: {@link OidcSignIn}), or {@code anonymous} (an explicit
 * opt-in for a single-user laptop: every browser is an anonymous owner, known by its {@code duplex_id} cookie).
 */
public enum AuthMode {
    FORM, ANONYMOUS, OIDC;

    public static final String KEY = "duplex.auth.mode";

    public static AuthMode current() {
        String value = ConfigProvider.getConfig().getOptionalValue(KEY, String.class).orElse("form");
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(KEY + " must be form, oidc or anonymous, not \"" + value + "\"", e);
        }
    }
}
