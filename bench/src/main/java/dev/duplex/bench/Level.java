package dev.duplex.bench;

/**
 * One load level: N sessions each sending M messages, each answered with T tokens at an interval. With {@code
 * conversation}, each session's messages are the turns of one conversation: Duplex's clients continue the
 * conversation its {@code start} named, and direct clients send the earlier prompts and answers with each request,
 * as a chat client of the provider does.
 */
record Level(int sessions, int messages, int tokens, int intervalMs, int ttftMs, boolean conversation) {

    Level(int sessions, int messages, int tokens, int intervalMs, int ttftMs) {
        this(sessions, messages, tokens, intervalMs, ttftMs, false);
    }

    String name() {
        return sessions + " x " + (intervalMs == 0 ? "max speed" : (1000 / intervalMs) + " tok/s")
                + (conversation ? ", one conversation" : "");
    }

    String prompt(String id) {
        return "bench id=" + id + " tokens=" + tokens + " interval=" + intervalMs + " ttft=" + ttftMs;
    }
}
