package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What the connection that asked for a generation receives when its question is stored after tokens came. */
class LiveGenerationTest {

    private final List<String> sent = new ArrayList<>();
    private final Function<ServerFrame, String> encoder = frame -> frame instanceof ServerFrame.Token token
            ? token.content() + "#" + token.seq() : frame.getClass().getSimpleName();
    private final OrderedSender sender = new OrderedSender(session(), encoder, Runnable::run, 1000, Long.MAX_VALUE);
    private final LiveGeneration generation = new LiveGeneration("g", "owner", "c", "a", null);
    private final ServerFrame.Start start = new ServerFrame.Start("g", "m", "c", "q", "a", 0);

    @Test
    void tokensBeforeTheQuestionIsStoredFollowStartThenLiveOnesFlow() {
        generation.token("Hel", 1);
        generation.token("lo", 2);
        assertEquals(List.of(), sent);
        generation.open(sender, start);
        generation.token(" there", 3);
        assertEquals(List.of("Start", "Hello#2", " there#3"), sent);
        assertEquals(0, generation.unwatchedSinceNanos());
    }

    @Test
    void noticesBeforeTheQuestionIsStoredKeepTheirPlaceAmongTheTokens() {
        generation.notice(new ServerFrame.Pong());
        generation.token("a", 1);
        generation.token("b", 2);
        generation.notice(new ServerFrame.Pong());
        generation.token("c", 3);
        generation.open(sender, start);
        generation.notice(new ServerFrame.Pong());
        assertEquals(List.of("Start", "Pong", "ab#2", "Pong", "c#3", "Pong"), sent);
    }

    @Test
    void aConnectionClosedBeforeTheQuestionIsStoredLeavesTheGenerationUnwatched() {
        generation.token("Hi", 1);
        sender.abandon();
        generation.open(sender, start);
        generation.token("!", 2);
        assertEquals(List.of(), sent);
        assertNotEquals(0, generation.unwatchedSinceNanos());
    }

    private Session session() {
        return FakeSession.of((text, handler) -> {
            sent.add(text);
            handler.onResult(new SendResult());
        }, close -> {
            throw new UnsupportedOperationException("close");
        });
    }
}
