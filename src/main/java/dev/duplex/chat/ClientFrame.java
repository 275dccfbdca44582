package dev.duplex.chat;

/** What a client may send; {@link ClientFrameDecoder} turns a text frame into one of these. */
public sealed interface ClientFrame {

    /** A user message. {@code system} and {@code model} are optional (null when absent). */
    record Message(String content, String system, String model) implements ClientFrame {
    }

    /** Stop the generation in progress. */
    record Cancel() implements ClientFrame {
    }

    /** Application-level keep-alive, answered with {@code pong}. */
    record Ping() implements ClientFrame {
    }
}
