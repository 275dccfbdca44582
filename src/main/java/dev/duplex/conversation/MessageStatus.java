package dev.duplex.conversation;

import java.util.Locale;

/**
 * Where a message stands. A user message is {@code COMPLETE} once stored; an answer is {@code STREAMING} while
 * it is generated, then {@code COMPLETE}, {@code CANCELLED} or {@code ERROR}; {@code INTERRUPTED} marks an answer
 * the server stopped before its end (a crash, found at the next start).
 */
public enum MessageStatus {
    STREAMING, COMPLETE, CANCELLED, ERROR, INTERRUPTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
