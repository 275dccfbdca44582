package dev.duplex.demo;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo model's deterministic answer: it restates the question and explains what the user is seeing, in
 * Thai when the question is written in Thai, else in English. Split into tokens at word boundaries (Thai has no
 * spaces; the JDK's dictionary-based word iterator finds them).
 */
final class DemoAnswer {

    private static final Locale THAI = Locale.forLanguageTag("th");

    private DemoAnswer() {
    }

    static String text(String question) {
        String asked = question.strip().replaceAll("\\s+", " ");
        if (containsThai(asked)) {
            return "คุณถามว่า \u201C" + asked + "\u201D นี่คือโมเดลสาธิตของ Duplex ซึ่งตอบได้โดยไม่ต้องใช้ผู้ให้บริการ AI "
                    + "แต่ละคำที่คุณเห็นถูกส่งมาทีละโทเค็นผ่าน Server-Sent Events จริง แล้ว Duplex ส่งต่อผ่าน WebSocket "
                    + "ของคุณทันที กดหยุดเพื่อยกเลิกได้ทุกเมื่อ หากต้องการใช้โมเดลจริง ให้ตั้งค่า duplex.upstream.base-url "
                    + "duplex.upstream.api-key และ duplex.upstream.model";
        }
        return "You asked: \u201C" + asked + "\u201D. I am the Duplex demo model, so I answer without any AI "
                + "provider and you can try the page right away. Every word you see is a separate token: it leaves "
                + "the demo endpoint as a real Server-Sent Events chunk, Duplex relays it over your WebSocket, and "
                + "the page shows it as it arrives. Press Stop at any time and the stream is closed at once. To talk "
                + "to a real model, set duplex.upstream.base-url, duplex.upstream.api-key and duplex.upstream.model.";
    }

    /** The answer cut into tokens; joined, they give back {@link #text} exactly. */
    static List<String> tokens(String question) {
        String text = text(question);
        BreakIterator words = BreakIterator.getWordInstance(containsThai(question) ? THAI : Locale.ENGLISH);
        words.setText(text);
        List<String> tokens = new ArrayList<>();
        int start = words.first();
        for (int end = words.next(); end != BreakIterator.DONE; end = words.next()) {
            String piece = text.substring(start, end);
            if (piece.isBlank() && !tokens.isEmpty()) {
                tokens.set(tokens.size() - 1, tokens.get(tokens.size() - 1) + piece);
            } else {
                tokens.add(piece);
            }
            start = end;
        }
        return tokens;
    }

    private static boolean containsThai(String text) {
        return text.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.THAI);
    }
}
