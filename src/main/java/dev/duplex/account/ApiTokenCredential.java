package dev.duplex.account;

import jakarta.security.enterprise.credential.Credential;

/** A personal API token from an {@code Authorization: Bearer} header. */
public record ApiTokenCredential(String value) implements Credential {
}
