package dev.duplex.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the decoder makes of each kind of chunk real OpenAI-compatible providers send. */
class OpenAiEventDecoderTest {

    static Stream<Arguments> chunks() {
        return Stream.of(
                Arguments.of("roleOnlyFirstChunk",
                        "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},\"finish_reason\":null}]}",
                        List.of()),
                Arguments.of("contentDelta",
                        "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}",
                        List.of("text:Hi")),
                Arguments.of("nullContent",
                        "{\"choices\":[{\"delta\":{\"content\":null}}]}", List.of()),
                Arguments.of("emptyChoices", "{\"choices\":[]}", List.of()),
                Arguments.of("emptyFinishReasonIsNotAFinish",
                        "{\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":\"\"}]}", List.of("text:a")),
                Arguments.of("finishChunk",
                        "{\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}", List.of("finish:length")),
                Arguments.of("contentAndFinishInOneChunk",
                        "{\"choices\":[{\"delta\":{\"content\":\"z\"},\"finish_reason\":\"stop\"}]}",
                        List.of("text:z", "finish:stop")),
                Arguments.of("usageAfterFinish",
                        "{\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}",
                        List.of("usage:9/3")),
                Arguments.of("nullUsageOnNormalChunks",
                        "{\"choices\":[{\"delta\":{\"content\":\"q\"}}],\"usage\":null}", List.of("text:q")),
                Arguments.of("errorObjectUnder200",
                        "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}",
                        List.of("error:The server had an error (transient)")),
                Arguments.of("doneMarker", "[DONE]", List.of("done")),
                Arguments.of("fieldsDuplexDoesNotUseAreSkipped",
                        "{\"id\":\"c-1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                                + "\"content\":\"a\"},\"logprobs\":{\"content\":[{\"token\":\"]}\",\"bytes\":[93,125]}]},"
                                + "\"finish_reason\":\"stop\"},{\"index\":1,\"delta\":{\"content\":\"other\"}}],"
                                + "\"usage\":{\"prompt_tokens\":4,\"prompt_tokens_details\":{\"cached_tokens\":2},"
                                + "\"completion_tokens\":1}}",
                        List.of("text:a", "finish:stop", "usage:4/1")),
                Arguments.of("choicesNotAnArrayIsNoText",
                        "{\"choices\":{\"delta\":{\"content\":\"a\"}}}", List.of()),
                Arguments.of("theLastOfDuplicateNamesCounts",
                        "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"choices\":[{\"delta\":{\"content\":\"b\"}}]}",
                        List.of("text:b")),
                Arguments.of("textAfterTheObjectIsIgnored",
                        "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]} x", List.of("text:a")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunks")
    void decodes(String name, String data, List<String> expected) {
        assertEquals(expected, decode(new SseEvent("message", data, null)));
    }

    @Test
    void errorEventTypeIsAnError() {
        assertEquals(List.of("error:overloaded"),
                decode(new SseEvent("error", "{\"message\":\"overloaded\"}", null)));
    }

    @Test
    void unparsableChunkIsBadChunk() {
        DuplexException e = assertThrows(DuplexException.class,
                () -> decode(new SseEvent("message", "{\"choices\": [", null)));
        assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, e.code());
    }

    @Test
    void aFaultInsideASkippedValueIsBadChunk() {
        DuplexException e = assertThrows(DuplexException.class, () -> decode(new SseEvent("message",
                "{\"logprobs\":[1,,2],\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", null)));
        assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, e.code());
    }

    /** JSON's grammar allows any exponent; Java's numbers do not (found by OpenAiChunkFuzzTest). */
    @Test
    void aNumberJavaCannotHoldIsBadChunk() {
        DuplexException inUsage = assertThrows(DuplexException.class, () -> decode(new SseEvent("message",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":4e44444444444444444444}}", null)));
        assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, inUsage.code());
        DuplexException inError = assertThrows(DuplexException.class, () -> decode(new SseEvent("message",
                "{\"error\":{\"message\":\"overloaded\",\"code\":4e44444444444444444444}}", null)));
        assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, inError.code());
    }

    /**
     * The same where the value is skipped, as the object model builds every value: an exponent that does not fit
     * an int, and a number of more than 1,100 characters (JSON-P's limit). Found by OpenAiChunkFuzzTest.
     */
    @Test
    void aNumberJavaCannotHoldIsBadChunkInASkippedValueToo() {
        for (String skipped : List.of("4e44444444444444444444", "[1,{\"x\":0.5e2147483648}]",
                "1" + "0".repeat(2_000), "[\"a\",1" + "0".repeat(2_000) + ".5]")) {
            DuplexException e = assertThrows(DuplexException.class, () -> decode(new SseEvent("message",
                    "{\"id\":" + skipped + ",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", null)));
            assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, e.code(), skipped);
        }
        assertEquals(List.of("text:a"), decode(new SseEvent("message", "{\"id\":[1,-2.5e3,12345678901234567890123],"
                + "\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", null)));
    }

    @Test
    void nonObjectChunkIsBadChunk() {
        DuplexException e = assertThrows(DuplexException.class,
                () -> decode(new SseEvent("message", "42", null)));
        assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, e.code());
    }

    private static List<String> decode(SseEvent event) {
        RecordingListener listener = new RecordingListener();
        new OpenAiEventDecoder(listener).accept(event);
        return listener.seen;
    }
}
