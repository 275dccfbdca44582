package dev.duplex.stream;

import dev.duplex.error.DuplexException;
import dev.duplex.provider.Cost;
import dev.duplex.provider.Usage;

/**
 * Receives what one generation produces: notices and tokens in order, then exactly one of {@link #onEnd} or
 * {@link #onError}. Calls never overlap, but they come from HttpClient, timer or caller threads, so an
 * implementation must only hand the work on (enqueue a frame), never block.
 */
public interface GenerationListener {

    /** One upstream token, in order; the listener numbers them if it needs to (no retry follows the first). */
    void onToken(String text);

    /** Something the user should know while waiting: a retry, or a fallback model answering. */
    void onNotice(Notice notice);

    /** The generation ended normally or was cancelled ({@code finishReason} {@code cancelled}). */
    void onEnd(Generation generation, String finishReason, Usage usage, Cost cost);

    /** The generation failed; tokens already delivered stay delivered. */
    void onError(Generation generation, DuplexException error, Usage usage, Cost cost);
}
