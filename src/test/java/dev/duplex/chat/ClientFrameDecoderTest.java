package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientFrameDecoderTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final ClientFrameDecoder DECODER = new ClientFrameDecoder(JSONB);

    @AfterAll
    static void close() throws Exception {
        JSONB.close();
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("{\"type\":\"message\",\"content\":\"hi\",\"system\":\"be brief\",\"model\":\"m1\"}",
                        new ClientFrame.Message("hi", "be brief", "m1", null, null)),
                Arguments.of("{\"type\":\"message\",\"content\":\"hi\"}", 
                        new ClientFrame.Message("hi", null, null, null, null)),
                Arguments.of("{\"content\":\"no type\",\"system\":\"s\"}", 
                        new ClientFrame.Message("no type", "s", null, null, null)),
                Arguments.of("{\"content\":\"x\",\"model\":\"  \"}", 
                        new ClientFrame.Message("x", null, null, null, null)),
                Arguments.of("{\"type\":\"message\",\"content\":\"สวัสดี 👋\",\"extra\":[1,2]}",
                        new ClientFrame.Message("สวัสดี 👋", null, null, null, null)),
                Arguments.of("{\"type\":\"message\",\"content\":\"again\",\"conversation_id\":\"c1\",\"edit_of\":\"m9\"}",
                        new ClientFrame.Message("again", null, null, "c1", "m9")),
                Arguments.of("{\"type\":\"regenerate\",\"conversation_id\":\"c1\"}",
                        new ClientFrame.Regenerate("c1", null)),
                Arguments.of("{\"content\":\"big\",\"unknown\":8e88888888888888}",
                        new ClientFrame.Message("big", null, null, null, null)),
                // JSON-B reads a number where a string is expected as the number's text
                Arguments.of("{\"content\":8e88888888888888}",
                        new ClientFrame.Message("8e88888888888888", null, null, null, null)),
                Arguments.of("{\"type\":\"cancel\"}", new ClientFrame.Cancel(null)),
                Arguments.of("{\"type\":\"cancel\",\"id\":\"g1\"}", new ClientFrame.Cancel("g1")),
                Arguments.of("{\"type\":\"resume\",\"id\":\"g1\",\"after_seq\":12}", new ClientFrame.Resume("g1", 12)),
                Arguments.of("{\"type\":\"resume\",\"id\":\"g1\"}", new ClientFrame.Resume("g1", 0)),
                Arguments.of(" {\"type\":\"ping\"} ", new ClientFrame.Ping()),
                // U+0000, which PostgreSQL cannot keep, is the replacement character in every field
                Arguments.of("{\"content\":\"a\\u0000b\",\"system\":\"\\u0000\",\"conversation_id\":\"c\\u0000\"}",
                        new ClientFrame.Message("a\uFFFDb", "\uFFFD", null, "c\uFFFD", null)),
                Arguments.of("{\"type\":\"resume\",\"id\":\"g\\u0000\"}", new ClientFrame.Resume("g\uFFFD", 0)));
    }

    @ParameterizedTest
    @MethodSource("valid")
    void decodes(String text, ClientFrame expected) {
        assertEquals(expected, DECODER.decode(text));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("not json", ErrorCode.INVALID_JSON),
                Arguments.of("{\"type\":\"message\",", ErrorCode.INVALID_JSON),
                Arguments.of("", ErrorCode.INVALID_JSON),
                Arguments.of("[1,2]", ErrorCode.INVALID_FRAME),
                Arguments.of("\"message\"", ErrorCode.INVALID_FRAME),
                Arguments.of("null", ErrorCode.INVALID_FRAME),
                Arguments.of("{\"type\":\"message\",\"content\":{\"a\":1}}", ErrorCode.INVALID_FRAME),
                Arguments.of("{\"type\":\"dance\"}", ErrorCode.UNKNOWN_TYPE),
                Arguments.of("{}", ErrorCode.UNKNOWN_TYPE),
                Arguments.of("{\"system\":\"only\"}", ErrorCode.UNKNOWN_TYPE),
                Arguments.of("{\"type\":\"message\"}", ErrorCode.MISSING_CONTENT),
                Arguments.of("{\"type\":\"message\",\"content\":\"  \\n \"}", ErrorCode.MISSING_CONTENT),
                Arguments.of("{\"content\":\"\"}", ErrorCode.MISSING_CONTENT),
                Arguments.of("{\"type\":\"regenerate\"}", ErrorCode.INVALID_FRAME),
                // an edit without its conversation started a new one and dropped the edit
                Arguments.of("{\"content\":\"again\",\"edit_of\":\"m9\"}", ErrorCode.INVALID_FRAME),
                // found by ClientFrameDecoderFuzzTest: JSON-B skipping an unknown field's unterminated object or
                // array looped for ever in Parsson, holding a server thread per such frame
                Arguments.of("{\"x\":{", ErrorCode.INVALID_JSON),
                Arguments.of("{\"x\":[", ErrorCode.INVALID_JSON),
                Arguments.of("{\"x\":{\"y\":[1,{", ErrorCode.INVALID_JSON),
                Arguments.of("{\"content\":\"hi\",\"x\":{\"y\":", ErrorCode.INVALID_JSON),
                // found by the fuzzer in CI: turning a number with a huge exponent into a value threw
                // NumberFormatException, which would have closed the connection with 1011
                Arguments.of("8e88888888888888", ErrorCode.INVALID_FRAME),
                Arguments.of("{\"type\":\"resume\",\"id\":\"g\",\"after_seq\":8e88888888888888}", ErrorCode.INVALID_FRAME),
                Arguments.of("{\"type\":\"resume\",\"id\":\"g\",\"after_seq\":99999999999999999999}", ErrorCode.INVALID_FRAME),
                Arguments.of("{\"type\":\"resume\",\"id\":\"g\",\"after_seq\":1.5}", ErrorCode.INVALID_FRAME),
                Arguments.of("{\"type\":\"resume\",\"id\":\"g\",\"after_seq\":\"x\"}", ErrorCode.INVALID_FRAME),
                Arguments.of("{\"type\":\"resume\",\"id\":\"g\",\"after_seq\":-1}", ErrorCode.INVALID_FRAME),
                Arguments.of("{\"type\":\"resume\",\"after_seq\":1}", ErrorCode.INVALID_FRAME));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void refuses(String text, ErrorCode expected) {
        DuplexException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> assertThrows(DuplexException.class, () -> DECODER.decode(text)));
        assertEquals(expected, e.code(), e.getMessage());
    }
}
