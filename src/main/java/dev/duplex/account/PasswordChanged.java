package dev.duplex.account;

/**
 * A CDI event: the password of the account whose conversations are {@code owner}'s ({@code user:<name>}) was
 * changed or reset; {@code credentials} are the new password's ({@link Accounts#credentials}). Its chat connections
 * on this server signed in with another password are closed with 1008 (ChatSessions): its browsers that still hold
 * a valid session reconnect and resume their answers, and the others are refused ({@link SignedInAccountCheck}).
 * Connections made with a personal token stay.
 */
public record PasswordChanged(String owner, String credentials) {
}
