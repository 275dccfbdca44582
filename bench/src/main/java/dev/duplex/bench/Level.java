package dev.duplex.bench;

import java.util.ArrayList;
import java.util.List;

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

    /** {@code sessions:messages:tokens:intervalMs[:ttftMs][:conversation]}, comma-separated. */
    static List<Level> parseAll(String spec) {
        List<Level> levels = new ArrayList<>();
        for (String one : spec.split(",")) {
            List<String> p = new ArrayList<>(List.of(one.split(":")));
            boolean conversation = p.get(p.size() - 1).equals("conversation");
            if (conversation) {
                p.remove(p.size() - 1);
            }
            levels.add(new Level(Integer.parseInt(p.get(0)), Integer.parseInt(p.get(1)), Integer.parseInt(p.get(2)),
                    Integer.parseInt(p.get(3)), p.size() > 4 ? Integer.parseInt(p.get(4)) : 0, conversation));
        }
        return levels;
    }

    String name() {
        return sessions + " x " + (intervalMs == 0 ? "max speed" : (1000 / intervalMs) + " tok/s")
                + (conversation ? ", one conversation" : "");
    }

    String prompt(String id) {
        return "bench id=" + id + " tokens=" + tokens + " interval=" + intervalMs + " ttft=" + ttftMs;
    }
}
