package dev.duplex.chat;

import dev.duplex.provider.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The turns of one connection's conversation, as the upstream is to see them: the latest system prompt once,
 * then every user turn and the assistant's text as it was actually streamed (partial when cancelled or failed).
 *
 * <p>Threading: the endpoint's message thread begins a turn, an HttpClient thread records its answer; methods
 * are synchronized.
 */
final class Conversation {

    private String system;
    private String systemBefore;
    private final List<ChatMessage> turns = new ArrayList<>();

    /**
     * Records the user's message and returns the messages to send upstream. {@code system} replaces the system
     * prompt when present (an empty one removes it); when null the previous one stays.
     */
    synchronized List<ChatMessage> begin(String userText, String newSystem) {
        systemBefore = system;
        if (newSystem != null) {
            system = newSystem.isBlank() ? null : newSystem;
        }
        turns.add(ChatMessage.user(userText));
        List<ChatMessage> messages = new ArrayList<>(turns.size() + 1);
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
        messages.addAll(turns);
        return messages;
    }

    /** Undoes the last {@link #begin}: its message was refused before any generation started. */
    synchronized void withdraw() {
        turns.remove(turns.size() - 1);
        system = systemBefore;
    }

    /** Records what the assistant streamed for the turn in progress; nothing when it streamed nothing. */
    synchronized void answered(String assistantText) {
        if (!assistantText.isEmpty()) {
            turns.add(ChatMessage.assistant(assistantText));
        }
    }
}
