package dev.duplex.conversation;

import java.util.List;

/** A conversation with its current (not superseded) messages in order. */
public record StoredConversation(ConversationEntity conversation, List<MessageEntity> messages) {
}
