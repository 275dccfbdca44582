package dev.duplex.chat;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.stream.Generation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One generation as its clients see it, independent of any connection: the text relayed so far with where each
 * token ended (its replay buffer), the connections watching it, and its terminal frame once it has one. A client
 * that comes back {@linkplain #attach attaches} after the last token it received and gets exactly the rest.
 *
 * <p>Threading: the state is guarded by this object's monitor, and frames are handed to the watchers' senders
 * (which only enqueue) under it, so an attaching client's replay and the live tokens after it never overlap or
 * leave a gap.
 */
final class LiveGeneration {

    static final int REPLAY_CHUNK_CHARS = 16 * 1024;

    private final String id;
    private final String owner;
    private final String conversationId;
    private final String messageId;
    /** The model's generation until it ends: a kept, ended one holds only what resuming needs, not the request. */
    private Generation generation;
    private String model;
    private final StringBuilder text = new StringBuilder();
    /** The connections watching; none, and no set, once ended. */
    private Set<OrderedSender> watchers = new LinkedHashSet<>();
    /**
     * Where each token's text ends in {@code text}. Token {@code i} has the seq {@code i + 1}: the protocol's seq
     * counts the generation's tokens from 1, and there is no retry after the first token, so no seq is stored.
     */
    private int[] ends = new int[32];
    private int tokens;
    private ServerFrame terminal;
    private long endedNanos;
    private long unwatchedSinceNanos;
    /** Notices that came before the asking connection {@linkplain #open opened} it, with the tokens before each. */
    private List<Early> early = new ArrayList<>();

    private record Early(int tokens, ServerFrame frame) {
    }

    LiveGeneration(String id, String owner, String conversationId, String messageId, Generation generation) {
        this.id = id;
        this.owner = owner;
        this.conversationId = conversationId;
        this.messageId = messageId;
        this.generation = generation;
    }

    String id() {
        return id;
    }

    String owner() {
        return owner;
    }

    String conversationId() {
        return conversationId;
    }

    /** Stops the model; the outcome arrives as usual, as the terminal frame {@code end} (cancelled). */
    void cancel() {
        Generation running;
        synchronized (this) {
            running = generation;
        }
        if (running != null) {
            running.cancel();
        }
    }

    /**
     * The connection that asked for this generation receives it, once its question is stored: {@code start}, the
     * tokens and notices that came meanwhile in their order, then the terminal frame if there is one already;
     * otherwise it watches the live frames from here on. A connection closed meanwhile leaves the generation
     * unwatched.
     */
    synchronized void open(OrderedSender sender, ServerFrame start) {
        List<Early> notices = early;
        early = null;
        if (sender.isClosed()) {
            if (watchers.isEmpty() && terminal == null) {
                unwatchedSinceNanos = System.nanoTime();
            }
            return;
        }
        sender.send(start);
        int sent = 0;
        for (Early notice : notices) {
            sendTokens(sender, sent, notice.tokens());
            sender.send(notice.frame());
            sent = notice.tokens();
        }
        sendTokens(sender, sent, tokens);
        endOrWatch(sender);
    }

    /**
     * Sends {@code sender} a {@code resumed} frame, the text after token {@code afterSeq} as token frames of about
     * {@link #REPLAY_CHUNK_CHARS} (cut between tokens, each with the seq of its last token, so a client cut again
     * mid-replay resumes from what it got), then the terminal frame if there is one already; otherwise it
     * watches the live tokens from here on. Replayed frames are queued whole, outside the slow-reader bound
     * on coalesced tokens: they are at most the answer, which is in memory anyway.
     */
    synchronized void attach(OrderedSender sender, long afterSeq) {
        if (afterSeq > tokens) {
            throw new DuplexException(ErrorCode.INVALID_FRAME, "after_seq " + afterSeq
                    + " is beyond the last token of generation " + id + " (" + tokens + ").");
        }
        sender.send(new ServerFrame.Resumed(id, afterSeq, generation != null ? generation.model() : model,
                conversationId, messageId));
        sendTokens(sender, (int) Math.max(0, afterSeq), tokens);
        endOrWatch(sender);
    }

    /** Tokens {@code from} (inclusive) to {@code to} (exclusive) as token frames of about REPLAY_CHUNK_CHARS. */
    private void sendTokens(OrderedSender sender, int from, int to) {
        int start = from == 0 ? 0 : ends[from - 1];
        for (int i = from; i < to; i++) {
            if (ends[i] - start >= REPLAY_CHUNK_CHARS || i == to - 1) {
                sender.send(new ServerFrame.Token(text.substring(start, ends[i]), i + 1));
                start = ends[i];
            }
        }
    }

    private void endOrWatch(OrderedSender sender) {
        if (terminal != null) {
            sender.send(terminal);
        } else {
            watchers.add(sender);
            unwatchedSinceNanos = 0;
        }
    }

    /** {@code sender}'s connection is gone; true when nobody watches the still running generation any more. */
    synchronized boolean detach(OrderedSender sender) {
        if (watchers.remove(sender) && watchers.isEmpty() && terminal == null) {
            unwatchedSinceNanos = System.nanoTime();
            return true;
        }
        return false;
    }

    /** The generation's next token; its seq is the count of tokens so far. */
    synchronized void token(String content) {
        text.append(content);
        if (tokens == ends.length) {
            ends = Arrays.copyOf(ends, Math.max(32, tokens * 2));
        }
        ends[tokens] = text.length();
        long seq = ++tokens;
        for (OrderedSender watcher : watchers) {
            watcher.sendToken(content, seq);
        }
    }

    synchronized void notice(ServerFrame notice) {
        if (early != null) {
            early.add(new Early(tokens, notice));
        }
        watchers.forEach(watcher -> watcher.send(notice));
    }

    /** The last frame: sent to every watcher and kept for those who come back later. */
    synchronized void end(ServerFrame frame) {
        terminal = frame;
        endedNanos = System.nanoTime();
        watchers.forEach(watcher -> watcher.send(frame));
        watchers = Collections.emptySet();
        model = generation.model();
        generation = null; // with it its attempts, HTTP exchange and listener: kept for resuming, only text counts
        text.trimToSize();
        ends = Arrays.copyOf(ends, tokens);
    }

    synchronized boolean running() {
        return terminal == null;
    }

    synchronized long endedNanos() {
        return endedNanos;
    }

    /** Running, watched by nobody since that {@code System.nanoTime()}; 0 when watched or ended. */
    synchronized long unwatchedSinceNanos() {
        return unwatchedSinceNanos;
    }

    /** What the replay buffer holds, in bytes (UTF-16 text at most, and where each token ends). */
    synchronized long bytes() {
        return 2L * text.capacity() + 4L * ends.length;
    }
}
