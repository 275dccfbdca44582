package dev.duplex.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * Any chunk data: the decoder, which reads chunks with JSON-P's streaming parser ({@link OpenAiChunk}), reports
 * exactly what reading the whole chunk as JSON-P's object model and looking its fields up reports (the decoder's
 * way until finding 70 of docs/benchmarks.md), or both call the chunk {@code upstream_bad_chunk}. Seeds:
 * OpenAiChunkFuzzTestInputs/ (real OpenAI chunks with logprobs and usage details, duplicate names, wrong types,
 * a fault inside a value the streaming read skips, text after the object, numbers JSON-P will not build in a
 * value it skips).
 */
class OpenAiChunkFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void readsWhatTheObjectModelReads(@NotNull String data) {
        assertEquals(byObjectModel(data), byDecoder(data), data);
    }

    private static List<String> byDecoder(String data) {
        RecordingListener listener = new RecordingListener();
        try {
            new OpenAiEventDecoder(listener).accept(new SseEvent("message", data, null));
        } catch (DuplexException e) {
            assertEquals(ErrorCode.UPSTREAM_BAD_CHUNK, e.code(), data);
            return List.of("bad chunk");
        }
        return listener.seen;
    }

    /** The reference: the whole chunk as an object model, its fields looked up. */
    private static List<String> byObjectModel(String data) {
        RecordingListener listener = new RecordingListener();
        if (OpenAiEventDecoder.DONE.equals(data.strip())) {
            listener.done();
            return listener.seen;
        }
        JsonObject chunk;
        try {
            chunk = ProviderJson.chunk(data);
        } catch (DuplexException e) {
            return List.of("bad chunk");
        }
        if (chunk.containsKey("error")) {
            listener.providerError(ProviderJson.errorMessage(chunk),
                    OpenAiEventDecoder.TRANSIENT.contains(ProviderJson.errorType(chunk)));
            return listener.seen;
        }
        JsonArray choices = chunk.get("choices") instanceof JsonArray array ? array : null;
        if (choices != null && !choices.isEmpty() && choices.get(0) instanceof JsonObject choice) {
            if (choice.get("delta") instanceof JsonObject delta) {
                String content = ProviderJson.string(delta, "content");
                if (content != null && !content.isEmpty()) {
                    listener.text(content);
                }
            }
            String finishReason = ProviderJson.string(choice, "finish_reason");
            if (finishReason != null && !finishReason.isEmpty()) {
                listener.finish("function_call".equals(finishReason) ? "tool_calls" : finishReason);
            }
        }
        if (chunk.get("usage") instanceof JsonObject usage) {
            listener.usage(Usage.reported(
                    ProviderJson.number(usage, "prompt_tokens"), ProviderJson.number(usage, "completion_tokens")));
        }
        return listener.seen;
    }
}
