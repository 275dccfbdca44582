package dev.duplex.provider;

/**
 * One dispatched server-sent event: its type ({@code message} unless an {@code event:} field named another),
 * its data (the {@code data:} lines joined by LF) and the last event id seen so far ({@code null} if none).
 */
public record SseEvent(String type, String data, String lastEventId) {
}
