package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.provider.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConversationTest {

    @Test
    void sendsLatestSystemPromptOnceThenEveryTurn() {
        Conversation conversation = new Conversation();
        conversation.begin("q1", "sys1");
        conversation.answered("a1");
        conversation.begin("q2", null);
        conversation.answered("partial");
        List<ChatMessage> third = conversation.begin("q3", "sys2");
        assertEquals(List.of(ChatMessage.system("sys2"), ChatMessage.user("q1"), ChatMessage.assistant("a1"),
                ChatMessage.user("q2"), ChatMessage.assistant("partial"), ChatMessage.user("q3")), third);
    }

    @Test
    void emptySystemPromptRemovesIt() {
        Conversation conversation = new Conversation();
        conversation.begin("q1", "sys");
        conversation.answered("a1");
        assertEquals(List.of(ChatMessage.user("q1"), ChatMessage.assistant("a1"), ChatMessage.user("q2")),
                conversation.begin("q2", ""));
    }

    @Test
    void aTurnThatStreamedNothingAddsNoAssistantMessage() {
        Conversation conversation = new Conversation();
        conversation.begin("q1", null);
        conversation.answered("");
        assertEquals(List.of(ChatMessage.user("q1"), ChatMessage.user("q2")), conversation.begin("q2", null));
    }
}
