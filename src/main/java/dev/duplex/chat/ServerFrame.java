package dev.duplex.chat;

import dev.duplex.error.DuplexException;
import dev.duplex.stream.Usage;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** What the server sends; one JSON object per text frame. Null fields are left out. See docs/protocol.md. */
public sealed interface ServerFrame {

    @JsonbPropertyOrder({"type", "id", "model"})
    record Start(String type, String id, String model) implements ServerFrame {
        public Start(String id, String model) {
            this("start", id, model);
        }
    }

    /** Upstream text; {@code seq} is that of the last upstream token it carries. */
    @JsonbPropertyOrder({"type", "content", "seq"})
    record Token(String type, String content, long seq) implements ServerFrame {
        public Token(String content, long seq) {
            this("token", content, seq);
        }
    }

    @JsonbPropertyOrder({"type", "id", "finishReason", "usage"})
    record End(String type, String id, @JsonbProperty("finish_reason") String finishReason, Usage usage)
            implements ServerFrame {
        public End(String id, String finishReason, Usage usage) {
            this("end", id, finishReason, usage);
        }
    }

    /**
     * An error. With {@code id} it is the terminal frame of that generation (and {@code usage} says what was
     * consumed); without, it answers a client frame that was refused.
     */
    @JsonbPropertyOrder({"type", "code", "message", "id", "status", "retryAfterMs", "usage"})
    record Error(String type, String code, String message, String id, Integer status,
                 @JsonbProperty("retry_after_ms") Long retryAfterMs, Usage usage) implements ServerFrame {

        public static Error of(DuplexException e) {
            return of(e, null, null);
        }

        public static Error of(DuplexException e, String generationId, Usage usage) {
            return new Error("error", e.code().wireName(), e.getMessage(), generationId, e.status(),
                    e.retryAfterMs(), usage);
        }
    }

    record Pong(String type) implements ServerFrame {
        public Pong() {
            this("pong");
        }
    }
}
