package dev.duplex.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
            """)
    void titleIsTheFirstLineCutAtAWord(String message, String title) {
        assertEquals(title, ConversationStore.title(message.replace("\\n", "\n").replace("\\t", "\t")));
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
