package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;

import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What the connection that asked for a generation receives when its question is stored after tokens came, and what a resuming one receives. */
class LiveGenerationTest {

    private final List<String> sent = new ArrayList<>();
    private final Function<ServerFrame, String> encoder = frame -> frame instanceof ServerFrame.Token token
            ? token.content() + "#" + token.seq() : frame.getClass().getSimpleName();
    private final OrderedSender sender = new OrderedSender(session(), encoder, Runnable::run, 1000, Long.MAX_VALUE);
    private final LiveGeneration generation = new LiveGeneration("g", "owner", "c", "a", null);
    private final ServerFrame.Start start = new ServerFrame.Start("g", "m", "c", "q", "a", 0);

    @Test
    void tokensBeforeTheQuestionIsStoredFollowStartThenLiveOnesFlow() {
        generation.token("Hel");
        generation.token("lo");
        assertEquals(List.of(), sent);
        generation.open(sender, start);
        generation.token(" there");
        assertEquals(List.of("Start", "Hello#2", " there#3"), sent);
        assertEquals(0, generation.unwatchedSinceNanos());
    }

    @Test
    void noticesBeforeTheQuestionIsStoredKeepTheirPlaceAmongTheTokens() {
        generation.notice(new ServerFrame.Pong());
        generation.token("a");
        generation.token("b");
        generation.notice(new ServerFrame.Pong());
        generation.token("c");
        generation.open(sender, start);
        generation.notice(new ServerFrame.Pong());
        assertEquals(List.of("Start", "Pong", "ab#2", "Pong", "c#3", "Pong"), sent);
    }

    @Test
    void aConnectionClosedBeforeTheQuestionIsStoredLeavesTheGenerationUnwatched() {
        generation.token("Hi");
        sender.abandon();
        generation.open(sender, start);
        generation.token("!");
        assertEquals(List.of(), sent);
        assertNotEquals(0, generation.unwatchedSinceNanos());
    }

    @Test
    void aResumingClientGetsTheTokensAfterItsSeqThenTheLiveOnes() {
        generation.token("a");
        generation.token("b");
        generation.token("c");
        generation.attach(sender, 1);
        generation.token("d");
        assertEquals(List.of("Resumed", "bc#3", "d#4"), sent);
    }

    @Test
    void aResumeFromTheStartOrTheLastTokenGetsAllOrNothingMissed() {
        generation.token("a");
        generation.token("b");
        generation.attach(sender, 0);
        generation.attach(sender, 2);
        assertEquals(List.of("Resumed", "ab#2", "Resumed"), sent);
    }

    @Test
    void aResumeAfterASeqNotYetSentIsRefused() {
        generation.token("a");
        DuplexException refused = assertThrows(DuplexException.class, () -> generation.attach(sender, 2));
        assertEquals(ErrorCode.INVALID_FRAME, refused.code());
        assertEquals(List.of(), sent);
    }

    @Test
    void theReplayBufferCountsTheTextAndFourBytesPerToken() {
        generation.token("Hello");
        generation.token(" there");
        assertEquals(2L * 16 + 4L * 32, generation.bytes()); // the builder's and the index's first capacities
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
