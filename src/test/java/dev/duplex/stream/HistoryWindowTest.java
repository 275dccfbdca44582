package dev.duplex.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.provider.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryWindowTest {

    private static final ChatMessage SYSTEM = ChatMessage.system("Be brief.");

    /** 40 characters: (40 + 4) / 4 = 11 estimated tokens. */
    private static ChatMessage turn(String role, char fill) {
        return new ChatMessage(role, String.valueOf(fill).repeat(40));
    }

    @Test
    void keepsEverythingThatFits() {
        List<ChatMessage> all = List.of(SYSTEM, turn("user", 'a'), turn("assistant", 'b'), turn("user", 'c'));
        HistoryWindow window = HistoryWindow.fit(all, 1_000);
        assertEquals(all, window.messages());
        assertEquals(0, window.dropped());
    }

    @Test
    void dropsTheOldestTurnsButKeepsTheSystemPrompt() {
        List<ChatMessage> all = List.of(SYSTEM, turn("user", 'a'), turn("assistant", 'b'), turn("user", 'c'));
        HistoryWindow window = HistoryWindow.fit(all, 30);
        assertEquals(List.of(SYSTEM, turn("assistant", 'b'), turn("user", 'c')), window.messages());
        assertEquals(1, window.dropped());
    }

    @Test
    void alwaysKeepsTheQuestionEvenWhenItAloneIsOverBudget() {
        List<ChatMessage> all = List.of(SYSTEM, turn("user", 'a'), turn("assistant", 'b'), turn("user", 'c'));
        HistoryWindow window = HistoryWindow.fit(all, 1);
        assertEquals(List.of(SYSTEM, turn("user", 'c')), window.messages());
        assertEquals(2, window.dropped());
    }

    @Test
    void stopsAtTheFirstTurnThatDoesNotFitSoNoGapOpensInTheMiddle() {
        ChatMessage longAnswer = new ChatMessage("assistant", "x".repeat(400));
        List<ChatMessage> all = List.of(turn("user", 'a'), longAnswer, turn("user", 'c'), turn("assistant", 'd'),
                turn("user", 'e'));
        HistoryWindow window = HistoryWindow.fit(all, 40);
        assertEquals(List.of(turn("user", 'c'), turn("assistant", 'd'), turn("user", 'e')), window.messages());
        assertEquals(2, window.dropped());
    }
}
