package dev.duplex.account;

/**
 * A CDI event: the password of the account whose conversations are {@code owner}'s ({@code user:<name>}) was
 * changed or reset. Its chat connections on this server are closed with 1008 (ChatSessions): its browsers that
 * still hold a valid session reconnect and resume their answers, and the others are refused at the handshake
 * ({@link SignedInAccountCheck}).
 */
public record PasswordChanged(String owner) {
}
