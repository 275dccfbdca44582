package dev.duplex.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each native format's stream, fed line by line as the provider sends it (examples follow the providers' API
 * references), decoded into what Duplex relays: answer text only, the protocol's finish reason, usage.
 */
class ProviderStreamsTest {

    private static List<String> decode(ProviderKind kind, String body) {
        RecordingListener listener = new RecordingListener();
        Consumer<String> decoder = kind.format().decoder(listener);
        body.lines().forEach(decoder);
        return listener.seen;
    }

    @Test
    void anthropicTextUsageAndStopReason() {
        String body = """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-x","stop_reason":null,"usage":{"input_tokens":25,"cache_read_input_tokens":5,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: ping
                data: {"type": "ping"}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"สวัส"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ดี 👋"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":15}}

                event: message_stop
                data: {"type":"message_stop"}

                """;
        assertEquals(List.of("usage:30/1", "text:สวัส", "text:ดี 👋", "finish:length", "usage:30/15", "done"),
                decode(ProviderKind.ANTHROPIC, body));
    }

    @Test
    void anthropicThinkingAndToolInputAreNotAnswerText() {
        String body = """
                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}}

                event: content_block_start
                data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Answer"}}

                event: content_block_start
                data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"a\\":"}}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}

                """;
        assertEquals(List.of("text:Answer", "finish:tool_calls", "usage:0/9"), decode(ProviderKind.ANTHROPIC, body));
    }

    @Test
    void anthropicErrorEventsSayWhetherTheyPass() {
        assertEquals(List.of("error:Overloaded (transient)"), decode(ProviderKind.ANTHROPIC, """
                event: error
                data: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}

                """));
        assertEquals(List.of("error:prompt is too long"), decode(ProviderKind.ANTHROPIC, """
                event: error
                data: {"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long"}}

                """));
    }

    @Test
    void anthropicStopReasons() {
        assertEquals("stop", AnthropicEventDecoder.finishReason("end_turn"));
        assertEquals("stop", AnthropicEventDecoder.finishReason("stop_sequence"));
        assertEquals("length", AnthropicEventDecoder.finishReason("max_tokens"));
        assertEquals("tool_calls", AnthropicEventDecoder.finishReason("tool_use"));
        assertEquals("content_filter", AnthropicEventDecoder.finishReason("refusal"));
    }

    @Test
    void geminiCandidatesFinishAndUsage() {
        String body = """
                data: {"candidates": [{"content": {"parts": [{"text": "Hel"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 8,"totalTokenCount": 8},"modelVersion": "gemini-x"}

                data: {"candidates": [{"content": {"parts": [{"text": "thinking...", "thought": true}, {"text": "lo"}],"role": "model"},"index": 0}]}

                data: {"candidates": [{"content": {"parts": [{"text": " 🌏"}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 3,"thoughtsTokenCount": 2,"totalTokenCount": 13}}

                """;
        assertEquals(List.of("text:Hel", "usage:8/0", "text:lo", "text: 🌏", "finish:stop", "usage:8/5"),
                decode(ProviderKind.GEMINI, body));
    }

    @Test
    void geminiBlockedPromptAndFinishReasons() {
        assertEquals(List.of("finish:content_filter", "usage:4/0"), decode(ProviderKind.GEMINI, """
                data: {"promptFeedback": {"blockReason": "SAFETY"},"usageMetadata": {"promptTokenCount": 4}}

                """));
        assertEquals("length", GeminiEventDecoder.finishReason("MAX_TOKENS"));
        assertEquals("content_filter", GeminiEventDecoder.finishReason("RECITATION"));
        assertEquals("other", GeminiEventDecoder.finishReason("OTHER"));
    }

    @Test
    void geminiErrorInsideTheStream() {
        assertEquals(List.of("error:The model is overloaded. (transient)"), decode(ProviderKind.GEMINI, """
                data: {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}

                """));
    }

    @Test
    void ollamaNdjsonLines() {
        String body = """
                {"model":"llama3.2","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"","thinking":"hmm"},"done":false}
                {"model":"llama3.2","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"The"},"done":false}

                {"model":"llama3.2","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":" sky"},"done":false}
                {"model":"llama3.2","created_at":"2026-01-01T00:00:01Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"length","total_duration":1,"prompt_eval_count":26,"eval_count":2}
                """;
        assertEquals(List.of("text:The", "text: sky", "finish:length", "usage:26/2", "done"),
                decode(ProviderKind.OLLAMA, body));
    }

    @Test
    void ollamaErrorLine() {
        assertEquals(List.of("error:model 'x' not found"),
                decode(ProviderKind.OLLAMA, "{\"error\":\"model 'x' not found\"}\n"));
    }

    @Test
    void unparsableChunksAreBadChunksInEveryFormat() {
        for (ProviderKind kind : List.of(ProviderKind.ANTHROPIC, ProviderKind.GEMINI)) {
            DuplexException e = assertThrows(DuplexException.class, () -> decode(kind, "data: {\"type\":\n\n"));
            assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, e.code(), kind.name());
        }
        DuplexException e = assertThrows(DuplexException.class, () -> decode(ProviderKind.OLLAMA, "{\"message\":\n"));
        assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, e.code());
    }

    /** JSON-P refuses to build a number of more than 1,100 characters, with an exception of its own. */
    @Test
    void aNumberTooLongToBuildIsABadChunkInEveryFormat() {
        String number = "1" + "0".repeat(2_000);
        for (ProviderKind kind : List.of(ProviderKind.ANTHROPIC, ProviderKind.GEMINI)) {
            DuplexException e = assertThrows(DuplexException.class,
                    () -> decode(kind, "data: {\"type\":\"ping\",\"n\":" + number + "}\n\n"));
            assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, e.code(), kind.name());
        }
        DuplexException e = assertThrows(DuplexException.class,
                () -> decode(ProviderKind.OLLAMA, "{\"n\":" + number + "}\n"));
        assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, e.code());
    }
}
