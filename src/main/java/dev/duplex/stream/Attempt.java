package dev.duplex.stream;

import dev.duplex.database.StorableText;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.provider.ChatMessage;
import dev.duplex.provider.StreamListener;
import dev.duplex.provider.Usage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One streaming HTTP call to one provider for one model, from the request to its single outcome. It owns the HTTP exchange, which
 * it aborts on cancel, failure or timeout (the upstream sees its connection closed), and the watchdog that
 * enforces the first-token and idle timeouts.
 *
 * <p>Threading: body lines arrive serially on HttpClient threads; {@link #cancel()} and the watchdog run on
 * other threads. The outcome is decided once under this object's monitor, and tokens are emitted under it too,
 * so the listener sees every token before the single terminal call and none after it.
 */
final class Attempt {

    /** How long after the outcome an exchange may take to finish its body before it is aborted. */
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int MAX_ERROR_BODY_CHARS = 16 * 1024;

    private final UpstreamCall call;
    private final List<ChatMessage> messages;
    private final AttemptListener listener;
    private final ScheduledExecutorService timer;
    private final Consumer<Attempt> onClosed;

    private final StringBuilder text = new StringBuilder();
    private long seq;
    private String finishReason;
    private Usage usage;
    private boolean outcomeDecided;
    private boolean responseStarted;

    private final long startNanos = System.nanoTime();
    private volatile long lastActivityNanos = startNanos;
    private volatile boolean streaming;
    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<HttpResponse<Void>> exchange;
    private volatile ScheduledFuture<?> watchdog;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile HttpClient client;
    /** Whether the request was sent again: its connection ended before the response ({@link #endedBeforeAnyByte}). */
    private volatile boolean resent;

    Attempt(UpstreamCall call, List<ChatMessage> messages, AttemptListener listener, ScheduledExecutorService timer,
               Consumer<Attempt> onClosed) {
        this.call = call;
        this.messages = messages;
        this.listener = listener;
        this.timer = timer;
        this.onClosed = onClosed;
    }

    UpstreamCall call() {
        return call;
    }

    /** Tokens delivered so far. */
    synchronized long tokens() {
        return seq;
    }

    /** The text streamed so far; after the outcome, the whole answer (or the partial one). */
    synchronized String text() {
        return text.toString();
    }

    /** Stops the generation: aborts the upstream request and ends with finish reason {@code cancelled}. */
    boolean cancel() {
        Usage finalUsage;
        synchronized (this) {
            if (outcomeDecided) {
                return false;
            }
            outcomeDecided = true;
            finalUsage = usageOrEstimate();
        }
        abort();
        listener.onEnd(this, "cancelled", finalUsage);
        return true;
    }

    void start(HttpClient client) {
        if (call.endpoint() == null) {
            throw new DuplexException(ErrorCode.UPSTREAM_UNREACHABLE, "The provider " + call.provider().name()
                    + " has no address yet (the demo model's address is known after the first HTTP request).");
        }
        this.client = client;
        send();
    }

    private void send() {
        HttpRequest request = call.format().request(call.provider(), call.model(), messages);
        armWatchdog(call.firstTokenTimeoutNanos());
        CompletableFuture<HttpResponse<Void>> future;
        try {
            future = client.sendAsync(request, this::body);
        } catch (RuntimeException e) {
            cancelWatchdog();
            throw e;
        }
        exchange = future;
        future.whenComplete(this::exchangeFinished);
        if (isDecided()) {
            abort();
        }
    }

    private HttpResponse.BodySubscriber<Void> body(HttpResponse.ResponseInfo info) {
        touch();
        synchronized (this) {
            responseStarted = true;
        }
        String contentType = info.headers().firstValue("content-type").orElse("");
        if (info.statusCode() == 200 && (contentType.isEmpty() || call.format().isStream(contentType))) {
            return HttpResponse.BodyHandlers.fromLineSubscriber(new EventLines()).apply(info);
        }
        return HttpResponse.BodyHandlers.fromLineSubscriber(new FailureBody(info, contentType)).apply(info);
    }

    private void exchangeFinished(HttpResponse<Void> response, Throwable failure) {
        if (failure != null && !resent && endedBeforeAnyByte(failure) && !isDecided()) {
            resent = true;
            cancelWatchdog();
            try {
                send();
                return;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        try {
            if (failure != null) {
                fail(describe(failure));
            } else {
                streamEnded();
            }
        } finally {
            closed();
        }
    }

    /**
     * Whether the exchange failed on a connection that ended before the response's first byte: the JDK's client
     * took it from its pool and found it closed ({@code ConnectionExpiredException}, "header parser received no
     * bytes"). The JDK sends such a request again itself only for GET and HEAD; for this POST the attempt does, once
     * and at once. Its cause is a race the JDK's client has, whose own source names it: a connection closed while
     * it is taken from the pool, by the server, or by another attempt's stop that met its body's end (the JDK's
     * cancel reads the connection before it is returned and closes it after; AttemptTest; docs/benchmarks.md,
     * finding 102).
     */
    private boolean endedBeforeAnyByte(Throwable failure) {
        synchronized (this) {
            if (responseStarted) {
                return false;
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getClass().getSimpleName().equals("ConnectionExpiredException")
                    || cause instanceof IOException && String.valueOf(cause.getMessage())
                            .contains("header parser received no bytes")) {
                return true;
            }
        }
        return false;
    }

    /** Duplex's side of the exchange is over: the watchdog stops and {@code onClosed} runs, once. */
    private void closed() {
        if (closed.compareAndSet(false, true)) {
            cancelWatchdog();
            onClosed.accept(this);
        }
    }

    /**
     * The JDK's future of this attempt's exchange while it has not completed, after this attempt has closed:
     * rarely, one that never will (see {@link #abort()}). Cancelling it with interruption completes it and closes
     * its connection, which only the server's stop may do, when no other request can be using it.
     */
    CompletableFuture<HttpResponse<Void>> unfinishedExchange() {
        CompletableFuture<HttpResponse<Void>> future = exchange;
        return future == null || future.isDone() ? null : future;
    }

    private void text(String providerDelta) {
        String delta = StorableText.of(providerDelta);
        streaming = true;
        synchronized (this) {
            if (outcomeDecided) {
                return;
            }
            text.append(delta);
            listener.onToken(delta, ++seq);
        }
    }

    private synchronized void finishReason(String reason) {
        finishReason = reason;
    }

    private synchronized void usage(Usage reported) {
        usage = reported;
    }

    private void complete() {
        Usage finalUsage;
        String reason;
        synchronized (this) {
            if (outcomeDecided) {
                return;
            }
            outcomeDecided = true;
            reason = finishReason != null ? finishReason : "stop";
            finalUsage = usageOrEstimate();
        }
        listener.onEnd(this, reason, finalUsage);
    }

    private void streamEnded() {
        boolean finished;
        synchronized (this) {
            finished = finishReason != null;
        }
        if (finished) {
            complete();
        } else {
            fail(new DuplexException(ErrorCode.UPSTREAM_TRUNCATED,
                    "The model provider closed the stream before the answer was finished."));
        }
    }

    void fail(DuplexException error) {
        Usage finalUsage;
        synchronized (this) {
            if (outcomeDecided) {
                return;
            }
            outcomeDecided = true;
            finalUsage = usageOrEstimate();
        }
        abort();
        listener.onError(this, call.redact(error), finalUsage);
    }

    private synchronized boolean isDecided() {
        return outcomeDecided;
    }

    private Usage usageOrEstimate() {
        return usage != null ? usage : Usage.estimated(call.inputTokenEstimate(), seq);
    }

    /**
     * Closes the exchange's connection, unless the answer's body has been read to its end. Once the body has a
     * subscriber, only its subscription is cancelled: the JDK's client then closes the connection if the body is
     * unfinished, and leaves it alone if it is back in the pool. This attempt then closes at once, without
     * waiting for the exchange's future: when the cancel meets the body's end, the JDK's client may never complete
     * it ({@link #unfinishedExchange()}). Cancelling that future with interruption, as this method did, closed the
     * connection whenever the future was not complete, and it completes a moment after the connection has gone
     * back to the pool, where the next request may already have taken it: that request then failed with "header
     * parser received no bytes" (AttemptTest; docs/benchmarks.md, finding 99). Before the body, the future is
     * cancelled with interruption: the connection cannot be in the pool yet, and a subscriber that comes later
     * sees the outcome and cancels itself.
     */
    private void abort() {
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
            closed();
            return;
        }
        CompletableFuture<HttpResponse<Void>> future = exchange;
        if (future != null) {
            future.cancel(true);
        }
    }

    private void touch() {
        lastActivityNanos = System.nanoTime();
    }

    private void armWatchdog(long delayNanos) {
        watchdog = timer.schedule(this::checkDeadline, Math.max(delayNanos, 0), TimeUnit.NANOSECONDS);
    }

    private void cancelWatchdog() {
        ScheduledFuture<?> current = watchdog;
        if (current != null) {
            current.cancel(false);
        }
    }

    private void checkDeadline() {
        CompletableFuture<HttpResponse<Void>> future = exchange;
        if (future != null && future.isDone()) {
            return;
        }
        long now = System.nanoTime();
        if (isDecided()) {
            // answered already ([DONE] seen); the body should close at once: don't let it linger
            long deadline = lastActivityNanos + DRAIN_NANOS;
            if (now >= deadline) {
                abort();
            } else {
                armWatchdog(deadline - now);
            }
            return;
        }
        boolean afterFirstToken = streaming;
        long deadline = afterFirstToken
                ? lastActivityNanos + call.idleTimeoutNanos()
                : startNanos + call.firstTokenTimeoutNanos();
        if (now < deadline) {
            armWatchdog(deadline - now);
        } else if (afterFirstToken) {
            fail(new DuplexException(ErrorCode.UPSTREAM_IDLE_TIMEOUT, "The model provider sent nothing for "
                    + TimeUnit.NANOSECONDS.toMillis(call.idleTimeoutNanos()) + " ms in the middle of the answer."));
        } else {
            fail(new DuplexException(ErrorCode.UPSTREAM_FIRST_TOKEN_TIMEOUT, "The model provider sent no answer within "
                    + TimeUnit.NANOSECONDS.toMillis(call.firstTokenTimeoutNanos()) + " ms."));
        }
    }

    private DuplexException describe(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof DuplexException duplex) {
            return duplex;
        }
        if (cause instanceof CancellationException) {
            return new DuplexException(ErrorCode.INTERNAL_ERROR, "The upstream request was aborted.", cause);
        }
        if (cause instanceof HttpConnectTimeoutException) {
            return new DuplexException(ErrorCode.UPSTREAM_CONNECT_TIMEOUT,
                    "Could not connect to the model provider at " + call.endpoint().getAuthority() + " in time.", cause);
        }
        boolean midStream;
        synchronized (this) {
            midStream = responseStarted;
        }
        if (midStream) {
            return new DuplexException(ErrorCode.UPSTREAM_CONNECTION_LOST,
                    "The connection to the model provider was lost in the middle of the answer.", cause);
        }
        if (cause instanceof ConnectException || cause instanceof UnresolvedAddressException
                || cause instanceof IOException) {
            String reason = cause instanceof ConnectException ? ": connection refused"
                    : cause instanceof UnresolvedAddressException ? ": unknown host"
                    : cause.getMessage() != null ? ": " + cause.getMessage() : "";
            return new DuplexException(ErrorCode.UPSTREAM_UNREACHABLE,
                    "Could not reach the model provider at " + call.endpoint().getAuthority() + reason, cause);
        }
        return new DuplexException(ErrorCode.INTERNAL_ERROR, "The upstream request failed unexpectedly.", cause);
    }

    /** The body of a 200 stream response: lines decoded by the provider's format as they come. */
    private final class EventLines implements Flow.Subscriber<String> {

        private final Consumer<String> decoder = call.format().decoder(new StreamListener() {
            @Override
            public void text(String delta) {
                Attempt.this.text(delta);
            }

            @Override
            public void finish(String reason) {
                finishReason(reason);
            }

            @Override
            public void usage(Usage usage) {
                Attempt.this.usage(usage);
            }

            @Override
            public void done() {
                complete();
            }

            @Override
            public void providerError(String message, boolean transientError) {
                fail(new DuplexException(ErrorCode.UPSTREAM_ERROR, "The model provider reported an error: "
                        + UpstreamErrors.excerpt(message), null, null, null, transientError));
            }
        });

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (isDecided()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(String line) {
            touch();
            try {
                decoder.accept(line);
            } catch (DuplexException e) {
                fail(e);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // the exchange future fails with the same cause; exchangeFinished reports it
        }

        @Override
        public void onComplete() {
            // the exchange future completes next; exchangeFinished decides complete or truncated
        }
    }

    /** The body of any other response: collected (bounded) to explain the failure. */
    private final class FailureBody implements Flow.Subscriber<String> {

        private final HttpResponse.ResponseInfo info;
        private final String contentType;
        private final StringBuilder body = new StringBuilder();

        FailureBody(HttpResponse.ResponseInfo info, String contentType) {
            this.info = info;
            this.contentType = contentType;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (isDecided()) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(String line) {
            touch();
            if (body.length() < MAX_ERROR_BODY_CHARS) {
                body.append(line).append('\n');
            } else {
                onComplete();
            }
        }

        @Override
        public void onError(Throwable throwable) {
            onComplete();
        }

        @Override
        public void onComplete() {
            fail(UpstreamErrors.fromResponse(info.statusCode(), contentType, body.toString(),
                    info.headers().firstValue("retry-after").orElse(null)));
        }
    }
}
