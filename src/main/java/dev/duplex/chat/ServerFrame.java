package dev.duplex.chat;

import dev.duplex.error.DuplexException;
import dev.duplex.provider.Cost;
import dev.duplex.provider.Usage;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** What the server sends; one JSON object per text frame. Null fields are left out. See docs/protocol.md. */
public sealed interface ServerFrame {

    /**
     * The generation {@code id} began: where it is stored ({@code conversationId}, the question's and the answer's
     * message ids) and how many earlier messages were left out of the model's view to fit its context window.
     */
    @JsonbPropertyOrder({"type", "id", "model", "conversationId", "questionId", "messageId", "historyDropped"})
    record Start(String type, String id, String model, @JsonbProperty("conversation_id") String conversationId,
                 @JsonbProperty("question_id") String questionId, @JsonbProperty("message_id") String messageId,
                 @JsonbProperty("history_dropped") Integer historyDropped) implements ServerFrame {
        public Start(String id, String model, String conversationId, String questionId, String messageId,
                     int historyDropped) {
            this("start", id, model, conversationId, questionId, messageId, historyDropped == 0 ? null : historyDropped);
        }
    }

    /** Upstream text; {@code seq} is that of the last upstream token it carries. */
    @JsonbPropertyOrder({"type", "content", "seq"})
    record Token(String type, String content, long seq) implements ServerFrame {
        public Token(String content, long seq) {
            this("token", content, seq);
        }
    }

    /** The normal end; {@code model} and {@code provider} name who answered, {@code cost} is null without prices. */
    @JsonbPropertyOrder({"type", "id", "finishReason", "usage", "cost", "model", "provider"})
    record End(String type, String id, @JsonbProperty("finish_reason") String finishReason, Usage usage, Cost cost,
               String model, String provider) implements ServerFrame {
        public End(String id, String finishReason, Usage usage, Cost cost, String model, String provider) {
            this("end", id, finishReason, usage, cost, model, provider);
        }
    }

    /** A retry or a fallback model answering, while the generation {@code id} goes on. */
    @JsonbPropertyOrder({"type", "code", "message", "id", "model", "requestedModel", "attempt", "delayMs"})
    record Notice(String type, String code, String message, String id, String model,
                  @JsonbProperty("requested_model") String requestedModel, Integer attempt,
                  @JsonbProperty("delay_ms") Long delayMs) implements ServerFrame {
        public static Notice of(String id, dev.duplex.stream.Notice notice) {
            return new Notice("notice", notice.code(), notice.message(), id, notice.model(), notice.requestedModel(),
                    notice.attempt(), notice.delayMs());
        }
    }

    /**
     * An error. With {@code id} it is the terminal frame of that generation (and {@code usage} says what was
     * consumed); without, it answers a client frame that was refused.
     */
    @JsonbPropertyOrder({"type", "code", "message", "id", "partial", "status", "retryAfterMs", "usage", "cost",
            "model", "provider"})
    record Error(String type, String code, String message, String id, Boolean partial, Integer status,
                 @JsonbProperty("retry_after_ms") Long retryAfterMs, Usage usage, Cost cost, String model,
                 String provider) implements ServerFrame {

        public static Error of(DuplexException e) {
            return new Error("error", e.code().wireName(), e.getMessage(), null, null, e.status(), e.retryAfterMs(),
                    null, null, null, null);
        }

        /** The terminal frame of a failed generation; {@code partial}: some of the answer reached the client. */
        public static Error of(DuplexException e, String generationId, boolean partial, Usage usage, Cost cost,
                               String model, String provider) {
            return new Error("error", e.code().wireName(), e.getMessage(), generationId, partial, e.status(),
                    e.retryAfterMs(), usage, cost, model, provider);
        }
    }

    /**
     * A {@code resume} was accepted: the tokens of generation {@code id} after {@code afterSeq} follow (merged into
     * one token frame), then its live tokens or its terminal frame.
     */
    @JsonbPropertyOrder({"type", "id", "afterSeq", "model", "conversationId", "messageId"})
    record Resumed(String type, String id, @JsonbProperty("after_seq") long afterSeq, String model,
                   @JsonbProperty("conversation_id") String conversationId,
                   @JsonbProperty("message_id") String messageId) implements ServerFrame {
        public Resumed(String id, long afterSeq, String model, String conversationId, String messageId) {
            this("resumed", id, afterSeq, model, conversationId, messageId);
        }
    }

    /**
     * The answer of generation {@code id} as stored, sent after a {@code generation_not_found} error when the
     * generation can no longer be resumed but its answer is in one of the user's conversations.
     */
    @JsonbPropertyOrder({"type", "id", "conversationId", "messageId", "content", "status", "finishReason"})
    record StoredAnswer(String type, String id, @JsonbProperty("conversation_id") String conversationId,
                        @JsonbProperty("message_id") String messageId, String content, String status,
                        @JsonbProperty("finish_reason") String finishReason) implements ServerFrame {
        public StoredAnswer(String id, String conversationId, String messageId, String content, String status,
                            String finishReason) {
            this("stored_answer", id, conversationId, messageId, content, status, finishReason);
        }
    }

    record Pong(String type) implements ServerFrame {
        public Pong() {
            this("pong");
        }
    }
}
