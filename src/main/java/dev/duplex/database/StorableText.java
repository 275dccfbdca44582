package dev.duplex.database;

/**
 * Text as every supported database keeps it: PostgreSQL refuses the character U+0000 in text (its "invalid byte
 * sequence for encoding UTF8: 0x00"), so a question, an answer or a title holding one would fail its write, and a
 * search or id holding one its query. It becomes U+FFFD, the replacement character, where text enters Duplex (the
 * browser's frames, the provider's tokens, the REST API's text), so what is streamed, stored and sent again agrees.
 */
public final class StorableText {

    private static final char NUL = '\u0000';
    private static final char REPLACEMENT = '\uFFFD';

    private StorableText() {
    }

    /** {@code text} with U+0000 replaced (itself when it has none, the common case: no copy); null stays null. */
    public static String of(String text) {
        return text == null || text.indexOf(NUL) < 0 ? text : text.replace(NUL, REPLACEMENT);
    }
}
