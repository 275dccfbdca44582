package dev.duplex.conversation;

import dev.duplex.provider.ChatMessage;
import java.util.List;

/**
 * A turn recorded before the model is asked: its conversation, the stored question ({@code questionId}, null when
 * regenerating) and answer, and the history the model is to see.
 */
public record BegunTurn(String conversationId, String questionId, String answerId, List<ChatMessage> history) {
}
