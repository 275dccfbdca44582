package dev.duplex.provider;

import java.util.function.Consumer;

/**
 * Turns the lines of a {@code text/event-stream} body into events, following the WHATWG HTML "event stream
 * interpretation" rules. Line splitting (LF, CR, CRLF) is done by the caller, normally the JDK's line subscriber;
 * this class sees one line at a time, without its terminator.
 *
 * <p>Rules kept here: a blank line dispatches the buffered event; {@code :} starts a comment; a field without a
 * colon has an empty value; one space after the colon is dropped; {@code data} lines are joined with LF;
 * {@code event} sets the type for one event; {@code id} (without NUL) sets the last event id, which persists;
 * {@code retry} and unknown fields are ignored; a leading BOM is dropped; an event with no data is not dispatched;
 * an unterminated last event is discarded (the caller simply never sees it).
 *
 * <p>Threading: not thread-safe; one parser per stream, fed by one thread at a time.
 */
public final class SseParser {

    private static final String DEFAULT_TYPE = "message";

    private final Consumer<SseEvent> sink;
    private final StringBuilder data = new StringBuilder();
    /** The event's first data line; the builder is used only from its second (providers send one per event). */
    private String firstData;
    private String type = DEFAULT_TYPE;
    private String lastEventId;
    private boolean firstLine = true;

    public SseParser(Consumer<SseEvent> sink) {
        this.sink = sink;
    }

    /** Feeds one line, without its line terminator. */
    public void line(String line) {
        if (firstLine) {
            firstLine = false;
            if (!line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
        }
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            return;
        }
        int colon = line.indexOf(':');
        if (colon < 0) {
            field(line, "");
            return;
        }
        int valueStart = colon + 1;
        if (valueStart < line.length() && line.charAt(valueStart) == ' ') {
            valueStart++;
        }
        field(line.substring(0, colon), line.substring(valueStart));
    }

    private void field(String name, String value) {
        switch (name) {
            case "data" -> {
                if (firstData == null) {
                    firstData = value;
                } else {
                    if (data.length() == 0) { // the second line: the builder starts with the first
                        data.append(firstData);
                    }
                    data.append('\n').append(value);
                }
            }
            case "event" -> type = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            default -> {
                // "retry" only concerns reconnecting browsers; unknown fields are ignored by the spec
            }
        }
    }

    private void dispatch() {
        if (firstData == null) {
            type = DEFAULT_TYPE;
            return;
        }
        String text = data.length() == 0 ? firstData : data.toString();
        SseEvent event = new SseEvent(type.isEmpty() ? DEFAULT_TYPE : type, text, lastEventId);
        data.setLength(0);
        firstData = null;
        type = DEFAULT_TYPE;
        sink.accept(event);
    }
}
