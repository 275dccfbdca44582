package dev.duplex.provider;

import jakarta.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * Decodes Anthropic's Messages API stream: {@code message_start} (input tokens), {@code content_block_start},
 * {@code content_block_delta} (only {@code text_delta} of {@code text} blocks is answer text: thinking,
 * signatures and tool input are not), {@code content_block_stop}, {@code ping}, {@code message_delta} (stop reason
 * and cumulative output tokens), {@code message_stop} and {@code error}. Unknown event types are ignored, as
 * Anthropic's versioning policy asks.
 *
 * <p>Threading: one decoder per stream, fed by one thread at a time.
 */
final class AnthropicEventDecoder {

    private static final Set<String> TRANSIENT = Set.of("overloaded_error", "api_error", "rate_limit_error");

    private final StreamListener listener;
    private final Set<Long> textBlocks = new HashSet<>();
    private long inputTokens;
    private long outputTokens;

    AnthropicEventDecoder(StreamListener listener) {
        this.listener = listener;
    }

    void accept(SseEvent event) {
        JsonObject data = ProviderJson.chunk(event.data());
        String type = ProviderJson.string(data, "type");
        if (type == null) {
            type = event.type();
        }
        switch (type) {
            case "message_start" -> messageStart(data);
            case "content_block_start" -> blockStart(data);
            case "content_block_delta" -> blockDelta(data);
            case "message_delta" -> messageDelta(data);
            case "message_stop" -> listener.done();
            case "error" -> listener.providerError(ProviderJson.errorMessage(data),
                    TRANSIENT.contains(ProviderJson.errorType(data)));
            default -> {
                // ping, content_block_stop and event types added later carry nothing Duplex relays
            }
        }
    }

    private void messageStart(JsonObject data) {
        if (data.get("message") instanceof JsonObject message && message.get("usage") instanceof JsonObject usage) {
            inputTokens = inputTokens(usage);
            outputTokens = ProviderJson.number(usage, "output_tokens");
            listener.usage(Usage.reported(inputTokens, outputTokens));
        }
    }

    private void blockStart(JsonObject data) {
        if (data.get("content_block") instanceof JsonObject block && "text".equals(ProviderJson.string(block, "type"))) {
            textBlocks.add(ProviderJson.number(data, "index"));
            String text = ProviderJson.string(block, "text");
            if (text != null && !text.isEmpty()) {
                listener.text(text);
            }
        }
    }

    private void blockDelta(JsonObject data) {
        if (!textBlocks.contains(ProviderJson.number(data, "index"))) {
            return;
        }
        if (data.get("delta") instanceof JsonObject delta && "text_delta".equals(ProviderJson.string(delta, "type"))) {
            String text = ProviderJson.string(delta, "text");
            if (text != null && !text.isEmpty()) {
                listener.text(text);
            }
        }
    }

    private void messageDelta(JsonObject data) {
        if (data.get("delta") instanceof JsonObject delta) {
            String stopReason = ProviderJson.string(delta, "stop_reason");
            if (stopReason != null) {
                listener.finish(finishReason(stopReason));
            }
        }
        if (data.get("usage") instanceof JsonObject usage) {
            // output_tokens is cumulative; input_tokens appears here too on newer API versions
            if (usage.containsKey("input_tokens")) {
                inputTokens = inputTokens(usage);
            }
            outputTokens = ProviderJson.number(usage, "output_tokens");
            listener.usage(Usage.reported(inputTokens, outputTokens));
        }
    }

    /** Prompt tokens as billed: uncached input plus cache writes and reads. */
    private static long inputTokens(JsonObject usage) {
        return ProviderJson.number(usage, "input_tokens") + ProviderJson.number(usage, "cache_creation_input_tokens")
                + ProviderJson.number(usage, "cache_read_input_tokens");
    }

    static String finishReason(String stopReason) {
        return switch (stopReason) {
            case "end_turn", "stop_sequence", "pause_turn" -> "stop";
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> stopReason;
        };
    }
}
