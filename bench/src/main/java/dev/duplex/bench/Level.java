package dev.duplex.bench;

/** One load level: N sessions each sending M messages, each answered with T tokens at an interval. */
record Level(int sessions, int messages, int tokens, int intervalMs, int ttftMs) {

    String name() {
        return sessions + " x " + (intervalMs == 0 ? "max speed" : (1000 / intervalMs) + " tok/s");
    }

    String prompt(String id) {
        return "bench id=" + id + " tokens=" + tokens + " interval=" + intervalMs + " ttft=" + ttftMs;
    }
}
