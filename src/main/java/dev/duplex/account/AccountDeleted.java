package dev.duplex.account;

/**
 * A CDI event: an admin deleted the account whose conversations are {@code owner}'s ({@code user:<name>}). Its open
 * connections on this server are closed and its running answers stopped (ChatSessions, LiveGenerations); its
 * browsers' sessions end at their next request on any server ({@link SignedInAccountCheck}). Fired where the admin
 * deleted it, and on the cluster's other servers by their {@code AccountSweep} when it finds it gone.
 */
public record AccountDeleted(String owner) {
}
