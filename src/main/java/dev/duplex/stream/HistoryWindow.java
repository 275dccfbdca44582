package dev.duplex.stream;

import dev.duplex.provider.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a conversation that fits the model: the system prompt and the newest messages whose estimated
 * tokens fit {@code budget}; the last message (the question) is always kept. {@code dropped} counts the older
 * messages left out, which the client is told in the {@code start} frame.
 */
record HistoryWindow(List<ChatMessage> messages, int dropped) {

    static HistoryWindow fit(List<ChatMessage> all, long budget) {
        List<ChatMessage> system = new ArrayList<>();
        List<ChatMessage> turns = new ArrayList<>();
        for (ChatMessage message : all) {
            (message.role().equals("system") ? system : turns).add(message);
        }
        long used = UpstreamClient.estimateTokens(system);
        int keep = 0;
        for (int i = turns.size() - 1; i >= 0; i--) {
            long cost = UpstreamClient.estimateTokens(List.of(turns.get(i)));
            if (keep > 0 && used + cost > budget) {
                break;
            }
            used += cost;
            keep++;
        }
        List<ChatMessage> kept = new ArrayList<>(system);
        kept.addAll(turns.subList(turns.size() - keep, turns.size()));
        return new HistoryWindow(List.copyOf(kept), turns.size() - keep);
    }
}
