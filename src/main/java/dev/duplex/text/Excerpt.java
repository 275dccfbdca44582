package dev.duplex.text;

/**
 * The start of a longer text, quoted in a message or kept in a bounded column. It never ends between the two
 * halves of a character outside the Basic Multilingual Plane (an emoji, many CJK ideographs): a lone half cannot be
 * written as UTF-8, so the browser and PostgreSQL would receive a {@code ?} in its place.
 */
public final class Excerpt {

    private static final String ELLIPSIS = "…";

    private Excerpt() {
    }

    /** What an error message quotes of a client's own input (an id, a model's name, a type): 80 characters. */
    public static final int INPUT_CHARS = 80;

    /** {@code text}, a client's input, as an error message quotes it: {@link #of} at {@link #INPUT_CHARS}. */
    public static String ofInput(String text) {
        return of(text, INPUT_CHARS);
    }

    /** {@code text} itself when it has at most {@code maxChars} characters, else at most that many and "…". */
    public static String of(String text, int maxChars) {
        return text.length() <= maxChars ? text : prefix(text, maxChars) + ELLIPSIS;
    }

    /** The first {@code chars} characters of {@code text}, one fewer when the last would be half of a pair. */
    public static String prefix(String text, int chars) {
        if (chars >= text.length()) {
            return text;
        }
        int end = chars > 0 && Character.isHighSurrogate(text.charAt(chars - 1))
                && Character.isLowSurrogate(text.charAt(chars)) ? chars - 1 : chars;
        return text.substring(0, end);
    }
}
