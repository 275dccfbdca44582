package dev.duplex.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConversationStoreTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            What is Duplex?                                                   | What is Duplex?
            '  padded  '                                                      | padded
            'first line\nsecond line'                                         | first line
            'tabs\tand   spaces'                                              | tabs and spaces
            '   '                                                             | New conversation
            Explain the difference between optimistic and pessimistic locking | Explain the difference between optimistic and pessimistic…
            Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…
            😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀 | 😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀…
            """)
    void titleIsTheFirstLineCutAtAWord(String message, String title) {
        assertEquals(title, ConversationStore.title(message.replace("\\n", "\n").replace("\\t", "\t")));
    }

    /** An error message longer than its column is cut to fit (the whole one failed the answer's last save). */
    @Test
    void anErrorMessageIsCutToTheColumnsLength() {
        assertEquals("short", ConversationStore.fitted("short"));
        assertEquals(null, ConversationStore.fitted(null));
        String fits = "e".repeat(ConversationStore.MAX_ERROR_MESSAGE);
        assertEquals(fits, ConversationStore.fitted(fits));
        String cut = ConversationStore.fitted("e".repeat(5000));
        assertEquals(ConversationStore.MAX_ERROR_MESSAGE, cut.length());
        assertTrue(cut.endsWith("e…"), cut);
        String emoji = ConversationStore.fitted("e".repeat(ConversationStore.MAX_ERROR_MESSAGE - 2) + "😀😀");
        assertTrue(emoji.length() <= ConversationStore.MAX_ERROR_MESSAGE && emoji.endsWith("e…"),
                "no half of a character is kept: " + emoji.substring(emoji.length() - 3));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Penguins   | %penguins%
            50%        | %50\\%%
            snake_case | %snake\\_case%
            'a\\b'     | %a\\\\b%
            """)
    void searchMatchesCharactersLiterally(String query, String pattern) {
        assertEquals(pattern, ConversationStore.likePattern(query));
    }
}
