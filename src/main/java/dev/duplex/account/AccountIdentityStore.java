package dev.duplex.account;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/**
 * Jakarta Security's view of {@link Accounts}: checks a username and password, or a personal API token, and
 * names the caller's groups ({@code user}, and {@code admin} for admins).
 */
@ApplicationScoped
public class AccountIdentityStore implements IdentityStore {

    @Inject
    Accounts accounts;

    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        return accounts.verify(credential.getCaller(), credential.getPasswordAsString())
                .map(user -> new CredentialValidationResult(user.username(), groups(user)))
                .orElse(CredentialValidationResult.INVALID_RESULT);
    }

    public CredentialValidationResult validate(ApiTokenCredential credential) {
        return accounts.tokenUser(credential.value())
                .map(user -> new CredentialValidationResult(user.username(), groups(user)))
                .orElse(CredentialValidationResult.INVALID_RESULT);
    }

    /** The groups the container is told the caller is in, however they signed in. */
    static Set<String> groups(UserEntity user) {
        return user.admin() ? Set.of("user", "admin") : Set.of("user");
    }
}
