package dev.duplex.conversation;

/**
 * A CDI event: {@code owner} deleted conversation {@code conversationId}. An answer still being written into it
 * is stopped (LiveGenerations), so the provider is not left generating, and billing, an answer nobody can keep.
 */
public record ConversationDeleted(String owner, String conversationId) {
}
