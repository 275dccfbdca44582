package dev.duplex.stream;

import dev.duplex.error.DuplexException;

/**
 * Receives what one generation produces: tokens in order, then exactly one of {@link #onEnd} or
 * {@link #onError}. Calls never overlap, but they come from HttpClient, timer or caller threads, so an
 * implementation must only hand the work on (enqueue a frame), never block.
 */
public interface GenerationListener {

    /** One upstream token; {@code seq} counts them from 1 within the generation. */
    void onToken(String text, long seq);

    /** The generation ended normally or was cancelled ({@code finishReason} {@code cancelled}). */
    void onEnd(Generation generation, String finishReason, Usage usage);

    /** The generation failed; tokens already delivered stay delivered. */
    void onError(Generation generation, DuplexException error, Usage usage);
}
