package dev.duplex.conversation;

/**
 * What a client asked for: a new message in conversation {@code conversationId} (null: a new conversation), a
 * replacement for user message {@code editOf}, or ({@code regenerate}) another answer to the last question; and
 * the generation that answers it, with its model.
 */
public record TurnRequest(String conversationId, String content, String system, String editOf, boolean regenerate,
                          String generationId, String model) {

    public TurnRequest(String conversationId, String content, String system, String editOf, boolean regenerate) {
        this(conversationId, content, system, editOf, regenerate, null, null);
    }

    public TurnRequest generation(String id, String modelId) {
        return new TurnRequest(conversationId, content, system, editOf, regenerate, id, modelId);
    }
}
