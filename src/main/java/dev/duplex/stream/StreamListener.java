package dev.duplex.stream;

/**
 * What a provider's stream says, independent of its wire format: text, the finish reason, usage, an explicit
 * end marker and errors reported inside the stream. A format decoder calls these in stream order.
 */
interface StreamListener {

    void text(String delta);

    void finish(String reason);

    void usage(Usage usage);

    void done();

    void providerError(String message);
}
