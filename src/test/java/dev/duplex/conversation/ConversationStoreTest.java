package dev.duplex.conversation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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

    @org.junit.jupiter.api.Test
    void identityCookieIsReadFromAHandshakeHeader() {
        String id = BrowserIdentity.newId();
        assertEquals(43, id.length());
        assertEquals(id, BrowserIdentity.fromHeader("theme=dark; duplex_id=" + id + "; other=1"));
        assertNull(BrowserIdentity.fromHeader("duplex_id=short"));
        assertNull(BrowserIdentity.fromHeader("duplex_id=" + id.substring(0, 40) + "<script>"));
        assertNull(BrowserIdentity.fromHeader(null));
    }
}
