package dev.duplex.it;

import jakarta.json.Json;
import java.io.IOException;
import java.util.List;

/** OpenAI chat-completion chunks as a provider writes them, and scripts made of them. */
final class OpenAiSse {

    private OpenAiSse() {
    }

    static String role() {
        return event("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-test\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
    }

    static String token(String content) {
        return event("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-test\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + Json.createValue(content) + "},"
                + "\"finish_reason\":null}]}");
    }

    static String finish(String reason) {
        return event("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-test\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}]}");
    }

    static String usage(int prompt, int completion) {
        return event("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-test\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (prompt + completion) + "}}");
    }

    static String done() {
        return "data: [DONE]\n\n";
    }

    static String event(String json) {
        return "data: " + json + "\n\n";
    }

    /** A well-behaved stream: role, the tokens (one chunk each, {@code intervalMs} apart), finish, usage, DONE. */
    static FakeUpstream.Script tokens(List<String> tokens, long intervalMs) {
        return exchange -> {
            exchange.sseHead();
            exchange.chunk(role());
            for (String token : tokens) {
                if (intervalMs > 0) {
                    exchange.pause(intervalMs);
                }
                exchange.chunk(token(token));
            }
            exchange.chunk(finish("stop"));
            exchange.chunk(usage(11, tokens.size()));
            exchange.chunk(done());
            exchange.endBody();
        };
    }

    /** Streams {@code count} tokens "w1 ", "w2 "... then keeps sending one every {@code intervalMs} until cut. */
    static FakeUpstream.Script endless(long intervalMs) {
        return exchange -> {
            exchange.sseHead();
            exchange.chunk(role());
            for (int i = 1; i < 100_000 && !exchange.closedByClient(); i++) {
                exchange.chunk(token("w" + i + " "));
                exchange.pause(intervalMs);
            }
            throw new IOException("cut by the client");
        };
    }
}
