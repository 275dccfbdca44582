package dev.duplex.provider;

/**
 * What a provider's stream says, independent of its wire format: answer text (never reasoning), the finish
 * reason in the protocol's words, usage, an explicit end marker and errors reported inside the stream. A format
 * decoder calls these in stream order.
 */
public interface StreamListener {

    void text(String delta);

    /** The protocol's finish reason: {@code stop}, {@code length}, {@code content_filter}, {@code tool_calls}... */
    void finish(String reason);

    /** The usage so far, as the provider reported it; a later call replaces an earlier one. */
    void usage(Usage usage);

    void done();

    /** An error inside the stream; {@code transientError} when the provider is overloaded or failing for now. */
    void providerError(String message, boolean transientError);
}
