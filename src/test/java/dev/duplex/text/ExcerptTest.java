package dev.duplex.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ExcerptTest {

    @Test
    void aShortTextIsItselfAndALongOneIsCutWithAnEllipsis() {
        assertEquals("abc", Excerpt.of("abc", 3));
        assertEquals("ab…", Excerpt.of("abcd", 2));
        assertEquals("", Excerpt.of("", 0));
    }

    /** Cutting "a😀" after two chars kept the emoji's first half, which UTF-8 carries as '?'. */
    @Test
    void neverEndsWithHalfACharacter() {
        assertEquals("a…", Excerpt.of("a😀b", 2));
        assertEquals("a😀…", Excerpt.of("a😀b", 3));
        assertEquals("a", Excerpt.prefix("a😀", 2));
        assertEquals("a😀", Excerpt.prefix("a😀", 3));
        assertEquals("", Excerpt.prefix("😀", 1));
    }

    /** A lone half already in the text is the text's own: it is not what the cut made, so it is kept as it is. */
    @Test
    void aLoneHalfBeforeTheCutIsNotTakenForAPair() {
        assertEquals("a\uD83D", Excerpt.prefix("a\uD83Dbc", 2));
    }
}
