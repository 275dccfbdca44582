package dev.duplex.chat;

/** What a client may send; {@link ClientFrameDecoder} turns a text frame into one of these. */
public sealed interface ClientFrame {

    /**
     * A user message. {@code system}, {@code model}, {@code conversationId} (null: a new conversation) and
     * {@code editOf} (the id of an earlier user message this one replaces) are optional.
     */
    record Message(String content, String system, String model, String conversationId, String editOf)
            implements ClientFrame {
    }

    /** Answer the last question of a conversation again, replacing its last answer. */
    record Regenerate(String conversationId, String model) implements ClientFrame {
    }

    /**
     * Stop a generation: {@code id} names it (any of this user's), or null for the one this connection started or
     * last resumed.
     */
    record Cancel(String id) implements ClientFrame {
    }

    /** Receive generation {@code id} again from after token {@code afterSeq} (0: from its first token). */
    record Resume(String id, long afterSeq) implements ClientFrame {
    }

    /** Application-level keep-alive, answered with {@code pong}. */
    record Ping() implements ClientFrame {
    }
}
