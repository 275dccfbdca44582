package dev.duplex.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The WHATWG event-stream rules, one row each. Lines are split as the JDK line subscriber splits them. */
class SseParserTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                row("joinsFieldWithSpace", "data: hello\n\n", ev("message", "hello", null)),
                row("acceptsDataWithoutSpace", "data:hello\n\n", ev("message", "hello", null)),
                row("dropsOnlyOneLeadingSpace", "data:  two\n\n", ev("message", " two", null)),
                row("joinsMultiLineData", "data: a\ndata: b\ndata:\n\n", ev("message", "a\nb\n", null)),
                row("splitsOnCrLf", "data: a\r\ndata: b\r\n\r\n", ev("message", "a\nb", null)),
                row("splitsOnLoneCr", "data: a\rdata: b\r\r", ev("message", "a\nb", null)),
                row("mixesLineEnds", "data: a\r\n\ndata: b\r\r\n", ev("message", "a", null), ev("message", "b", null)),
                row("ignoresComments", ": keep-alive\ndata: x\n: again\n\n", ev("message", "x", null)),
                row("commentOnlyEventIsNotDispatched", ": ping\n\n", new SseEvent[0]),
                row("readsEventType", "event: error\ndata: {}\n\n", ev("error", "{}", null)),
                row("typeLastsOneEvent", "event: a\ndata: 1\n\ndata: 2\n\n", ev("a", "1", null), ev("message", "2", null)),
                row("emptyEventTypeMeansMessage", "event:\ndata: 1\n\n", ev("message", "1", null)),
                row("idPersistsAcrossEvents", "id: 7\ndata: 1\n\ndata: 2\n\n", ev("message", "1", "7"), ev("message", "2", "7")),
                row("idWithNulIsIgnored", "id: a\0b\ndata: 1\n\n", ev("message", "1", null)),
                row("fieldWithoutColonHasEmptyValue", "data\n\n", ev("message", "", null)),
                row("eventWithoutDataIsNotDispatched", "event: x\n\ndata: y\n\n", ev("message", "y", null)),
                row("ignoresRetryAndUnknownFields", "retry: 10\nfoo: bar\ndata: z\n\n", ev("message", "z", null)),
                row("valueMayContainColons", "data: {\"a\":\"b:c\"}\n\n", ev("message", "{\"a\":\"b:c\"}", null)),
                row("dropsUnterminatedLastEvent", "data: 1\n\ndata: 2", ev("message", "1", null)),
                row("dropsLastEventWithoutBlankLine", "data: 1\n\ndata: 2\n", ev("message", "1", null)),
                row("stripsLeadingBom", "\uFEFFdata: 1\n\n", ev("message", "1", null)),
                row("keepsMultiByteText", "data: สวัสดี 👋\n\n", ev("message", "สวัสดี 👋", null)),
                row("doneMarker", "data: [DONE]\n\n", ev("message", "[DONE]", null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parses(String name, String stream, List<SseEvent> expected) {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        lines(stream).forEach(parser::line);
        assertEquals(expected, events);
    }

    /** Splits as {@link BufferedReader#readLine()} does, which is what the JDK's line subscriber uses. */
    static List<String> lines(String text) {
        try (BufferedReader reader = new BufferedReader(new StringReader(text))) {
            List<String> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Arguments row(String name, String stream, SseEvent... expected) {
        return Arguments.of(name, stream, List.of(expected));
    }

    private static SseEvent ev(String type, String data, String id) {
        return new SseEvent(type, data, id);
    }
}
