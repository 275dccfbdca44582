package dev.duplex.chat;

/** The UTF-8 size of a text frame, counted without encoding it (and only when it could exceed the limit). */
final class FrameSize {

    private FrameSize() {
    }

    static boolean exceeds(String text, int maxBytes) {
        int length = text.length();
        if (length > maxBytes) {
            return true;
        }
        if ((long) length * 3 <= maxBytes) {
            return false;
        }
        return utf8Length(text) > maxBytes;
    }

    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
