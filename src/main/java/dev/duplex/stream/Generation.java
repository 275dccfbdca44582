package dev.duplex.stream;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.provider.Catalogue;
import dev.duplex.provider.ChatMessage;
import dev.duplex.provider.Cost;
import dev.duplex.provider.ModelEntry;
import dev.duplex.provider.Provider;
import dev.duplex.provider.Usage;
import dev.duplex.usage.GenerationRecord;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One answer to one message, from the request to its single outcome, across as many attempts as it takes: an
 * attempt that fails before the first token with a failure that may pass is tried again ({@link RetryPolicy}),
 * then the model's fallbacks are tried in order; a provider whose circuit is open is skipped without a request.
 * After the first token there is no retry: a failure ends the generation with an error frame.
 *
 * <p>Threading: attempt callbacks arrive on HttpClient and timer threads, {@link #cancel()} on the caller's. Which
 * attempt is current, and whether the outcome is decided, change under this object's monitor; the listener's
 * terminal call is made exactly once, outside it.
 */
public final class Generation {

    private final String id;
    private final ModelEntry requested;
    private final List<ModelEntry> chain;
    private final Catalogue catalogue;
    private final List<ChatMessage> messages;
    private final int historyDropped;
    private final GenerationListener listener;
    private final UpstreamClient client;
    private final RetryPolicy retry;
    private final long startNanos = System.nanoTime();

    private int chainIndex;
    private int attemptsOnModel;
    private int attempts;
    private Attempt current;
    private ScheduledFuture<?> retryTask;
    private boolean decided;
    private String requestedFailure;
    private long firstTokenNanos;

    Generation(String id, ModelEntry requested, Catalogue catalogue, List<ChatMessage> messages, int historyDropped,
               GenerationListener listener, UpstreamClient client, RetryPolicy retry) {
        this.id = id;
        this.requested = requested;
        this.chain = catalogue.chain(requested);
        this.catalogue = catalogue;
        this.messages = messages;
        this.historyDropped = historyDropped;
        this.listener = listener;
        this.client = client;
        this.retry = retry;
    }

    public String id() {
        return id;
    }

    /** The model the message asked for (or the default). */
    public String requestedModel() {
        return requested.id();
    }

    /** Older messages of the conversation left out to fit the model's context window. */
    public int historyDropped() {
        return historyDropped;
    }

    /** The model answering now, or the last one tried. */
    public synchronized String model() {
        return chain.get(chainIndex).id();
    }

    /** The provider of {@link #model()}. */
    public synchronized String provider() {
        return chain.get(chainIndex).provider();
    }

    /** The text streamed so far; after the outcome, the whole answer (or the partial one). */
    public String text() {
        Attempt attempt;
        synchronized (this) {
            attempt = current; // never call into an attempt under this monitor: it calls back under its own
        }
        return attempt != null ? attempt.text() : "";
    }

    /** Begins the first attempt. */
    public void start() {
        nextAttempt();
    }

    /** Stops the generation: aborts the upstream request and ends with finish reason {@code cancelled}. */
    public boolean cancel() {
        Attempt attempt;
        synchronized (this) {
            if (decided) {
                return false;
            }
            if (retryTask != null) {
                retryTask.cancel(false);
            }
            attempt = current;
        }
        if (attempt != null && attempt.cancel()) {
            return true; // the attempt reports the cancelled end through onEnd
        }
        ModelEntry model;
        Usage usage;
        synchronized (this) {
            if (decided) {
                return false;
            }
            decided = true;
            model = chain.get(chainIndex);
            usage = Usage.estimated(UpstreamClient.estimateTokens(messages), 0);
        }
        client.breakers().released(model.provider());
        record(model, "cancelled", usage);
        listener.onEnd(this, "cancelled", usage, cost(model, usage));
        return true;
    }

    /** Ends the generation at once with {@code error} (shutdown). */
    void fail(DuplexException error) {
        Attempt attempt;
        synchronized (this) {
            if (retryTask != null) {
                retryTask.cancel(false);
            }
            attempt = current;
        }
        if (attempt != null) {
            attempt.fail(error);
        }
        finishWithError(error, null);
    }

    private void nextAttempt() {
        ModelEntry model;
        Provider provider;
        synchronized (this) {
            if (decided) {
                return;
            }
            model = chain.get(chainIndex);
            provider = catalogue.provider(model);
            attemptsOnModel++;
            attempts++;
        }
        if (!client.breakers().allow(provider.name())) {
            failed(null, new DuplexException(ErrorCode.UPSTREAM_CIRCUIT_OPEN, "The provider " + provider.name()
                    + " of " + model.id() + " failed repeatedly; requests to it are paused for now."), null);
            return;
        }
        Attempt attempt = client.attempt(model, provider, messages, new Relay(model));
        synchronized (this) {
            if (decided) {
                return;
            }
            current = attempt;
        }
        client.begin(attempt); // a cancel from here on reaches the attempt, which aborts its exchange at once
    }

    /** An attempt (or the breaker, with {@code attempt} null) failed: retry, fall back, or report it. */
    private void failed(Attempt attempt, DuplexException error, Usage usage) {
        ModelEntry model;
        boolean delivered = attempt != null && attempt.tokens() > 0;
        boolean transientFailure = RetryPolicy.transientFailure(error);
        synchronized (this) {
            model = chain.get(chainIndex);
        }
        if (attempt != null) {
            if (transientFailure) {
                client.breakers().failed(model.provider());
            } else {
                client.breakers().released(model.provider());
            }
        }
        if (delivered || !transientFailure || !retryOrFallBack(model, error)) {
            finishWithError(error, usage);
        }
    }

    /** Schedules the next attempt if the policy allows one; false when the generation must end. */
    private boolean retryOrFallBack(ModelEntry model, DuplexException error) {
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        synchronized (this) {
            if (decided) {
                return true;
            }
            if (chainIndex == 0) {
                requestedFailure = error.code().wireName();
            }
            if (!RetryPolicy.circuitOpen(error) && attemptsOnModel < retry.maxAttempts()) {
                long delay = retry.delayMs(attemptsOnModel + 1, error);
                if (elapsedMs + delay <= retry.budgetMs()) {
                    retryTask = client.timer().schedule(this::nextAttempt, delay, TimeUnit.MILLISECONDS);
                    listener.onNotice(Notice.retrying(model.id(), attemptsOnModel + 1, delay, error.code().wireName()));
                    return true;
                }
            }
            if (chainIndex + 1 < chain.size() && elapsedMs < retry.budgetMs()) {
                chainIndex++;
                attemptsOnModel = 0;
                retryTask = client.timer().schedule(this::nextAttempt, 0, TimeUnit.MILLISECONDS);
                return true;
            }
            return false;
        }
    }

    private void finishWithError(DuplexException error, Usage usage) {
        ModelEntry model;
        synchronized (this) {
            if (decided) {
                return;
            }
            decided = true;
            model = chain.get(chainIndex);
        }
        Usage reportedUsage = usage != null ? usage : Usage.estimated(UpstreamClient.estimateTokens(messages), 0);
        DuplexException reported = attempts > 1 ? error.withMessage(error.getMessage() + " (after " + attempts
                + " attempts" + (chain.size() > 1 ? " on " + triedModels() : "") + ")") : error;
        record(model, error.code().wireName(), reportedUsage);
        listener.onError(this, reported, reportedUsage, cost(model, reportedUsage));
    }

    private synchronized String triedModels() {
        return String.join(", ", chain.subList(0, chainIndex + 1).stream().map(ModelEntry::id).toList());
    }

    private Cost cost(ModelEntry model, Usage usage) {
        return model.cost(usage, catalogue.currency());
    }

    private void record(ModelEntry model, String outcome, Usage usage) {
        long now = System.nanoTime();
        Long ttft;
        synchronized (this) {
            ttft = firstTokenNanos == 0 ? null : TimeUnit.NANOSECONDS.toMillis(firstTokenNanos - startNanos);
        }
        Cost cost = cost(model, usage);
        client.ledger().record(new GenerationRecord(id, java.time.Instant.now(), requested.id(), model.id(),
                model.provider(), usage.inputTokens(), usage.outputTokens(), Boolean.TRUE.equals(usage.estimated()),
                cost == null ? null : cost.total(), cost == null ? null : cost.currency(), ttft,
                TimeUnit.NANOSECONDS.toMillis(now - startNanos), outcome, attempts));
    }

    /** Relays one attempt's callbacks; only the current attempt's reach the listener. */
    private final class Relay implements AttemptListener {

        private final ModelEntry model;

        Relay(ModelEntry model) {
            this.model = model;
        }

        @Override
        public void onToken(String text, long seq) {
            if (seq == 1) {
                firstToken();
            }
            listener.onToken(text);
        }

        private void firstToken() {
            String failure;
            synchronized (Generation.this) {
                firstTokenNanos = System.nanoTime();
                failure = requestedFailure;
            }
            client.breakers().succeeded(model.provider());
            if (!model.id().equals(requested.id())) {
                listener.onNotice(Notice.fallback(model.id(), requested.id(), failure));
            }
        }

        @Override
        public void onEnd(Attempt attempt, String finishReason, Usage usage) {
            synchronized (Generation.this) {
                if (decided) {
                    return;
                }
                decided = true;
            }
            if ("cancelled".equals(finishReason)) {
                client.breakers().released(model.provider());
            } else {
                client.breakers().succeeded(model.provider());
            }
            record(model, finishReason, usage);
            listener.onEnd(Generation.this, finishReason, usage, cost(model, usage));
        }

        @Override
        public void onError(Attempt attempt, DuplexException error, Usage usage) {
            failed(attempt, error, usage);
        }
    }
}
