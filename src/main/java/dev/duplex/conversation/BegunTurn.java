package dev.duplex.conversation;

import dev.duplex.provider.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A turn being recorded while the model is asked: its conversation, the question ({@code questionId}, null when
 * regenerating) and answer, and the history the model is to see. {@code committed} completes once they are in
 * the database, or fails ({@code conversation_changed}, {@code conversation_not_found}, {@code storage_error})
 * with nothing of the turn stored.
 */
public record BegunTurn(String conversationId, String questionId, String answerId, List<ChatMessage> history,
                        CompletableFuture<Void> committed) {
}
