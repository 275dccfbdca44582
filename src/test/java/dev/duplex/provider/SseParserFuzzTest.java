package dev.duplex.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * Any event stream, cut into lines the way the JDK's line subscriber cuts them (LF, CR, CRLF): the parser never
 * fails, dispatches at most one event per blank line, joins data lines with LF only, never types an event "",
 * and gives the same events
 * when the same stream is parsed again. Seeds: SseParserFuzzTestInputs/.
 */
class SseParserFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void parsesEveryStream(@NotNull String body) {
        List<String> lines = lines(body);
        List<SseEvent> events = parse(lines);

        long blank = lines.stream().filter(String::isEmpty).count();
        assertTrue(events.size() <= blank, events.size() + " events from " + blank + " blank lines");
        long dataLines = lines.stream().map(line -> line.startsWith("\uFEFF") ? line.substring(1) : line)
                .filter(line -> line.equals("data") || line.startsWith("data:")).count();
        long joined = events.stream().mapToLong(event -> event.data().chars().filter(c -> c == '\n').count() + 1)
                .sum();
        assertTrue(joined <= dataLines, "every data line is used once at most");
        for (SseEvent event : events) {
            assertFalse(event.data().indexOf('\r') >= 0, "no CR survives line splitting: " + event);
            assertFalse(event.type().isEmpty(), "an empty event type means message");
        }
        assertEquals(events, parse(lines), "parsing is deterministic");
    }

    private static List<SseEvent> parse(List<String> lines) {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        lines.forEach(parser::line);
        return events;
    }

    /** Lines as {@code BufferedReader} (and so the JDK's line subscriber) splits them; the unterminated rest too. */
    private static List<String> lines(String body) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(body.substring(start, i));
                if (c == '\r' && i + 1 < body.length() && body.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < body.length()) {
            lines.add(body.substring(start));
        }
        return lines;
    }
}
