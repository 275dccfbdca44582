package dev.duplex.stream;

import dev.duplex.error.DuplexException;
import dev.duplex.provider.Usage;

/**
 * Receives what one attempt produces: tokens in order, then exactly one of {@link #onEnd} or
 * {@link #onError}. Calls never overlap, but they come from HttpClient, timer or caller threads, so an
 * implementation must only hand the work on (enqueue a frame), never block.
 */
interface AttemptListener {

    /** One upstream token; {@code seq} counts them from 1 within the attempt. */
    void onToken(String text, long seq);

    /** The attempt ended normally or was cancelled ({@code finishReason} {@code cancelled}). */
    void onEnd(Attempt attempt, String finishReason, Usage usage);

    /** The attempt failed; tokens already delivered stay delivered. */
    void onError(Attempt attempt, DuplexException error, Usage usage);
}
