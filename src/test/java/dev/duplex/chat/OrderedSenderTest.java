package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Ordering and coalescing with a session whose sends complete only when the test says so. */
class OrderedSenderTest {

    private final List<String> sent = new ArrayList<>();
    private final List<SendHandler> inFlight = new ArrayList<>();
    private final List<CloseReason> closes = new ArrayList<>();
    private final Function<ServerFrame, String> encoder = frame -> {
        if (frame instanceof ServerFrame.Token token) {
            return token.content() + "#" + token.seq();
        }
        return frame.getClass().getSimpleName();
    };
    private final OrderedSender sender = new OrderedSender(session(), encoder, Runnable::run, 10, Long.MAX_VALUE);

    @Test
    void sendsOneFrameAtATimeInOrder() {
        sender.send(new ServerFrame.Start("g", "m", "c", "q", "a", 0));
        sender.send(new ServerFrame.Pong());
        assertEquals(List.of("Start"), sent);
        completeNext(true);
        assertEquals(List.of("Start", "Pong"), sent);
        assertEquals(1, inFlight.size());
    }

    @Test
    void coalescesTokensWhileASendIsOutstanding() {
        sender.send(new ServerFrame.Start("g", "m", "c", "q", "a", 0));
        sender.sendToken("a", 1);
        sender.sendToken("b", 2);
        sender.sendToken("c", 3);
        assertEquals(1, sender.queued());
        completeNext(true);
        assertEquals(List.of("Start", "abc#3"), sent);
        sender.sendToken("d", 4);
        sender.send(new ServerFrame.End("g", "stop", null, null, null, null));
        completeNext(true);
        completeNext(true);
        assertEquals(List.of("Start", "abc#3", "d#4", "End"), sent);
    }

    @Test
    void neverMergesTokensAcrossAnotherFrame() {
        sender.send(new ServerFrame.Start("g", "m", "c", "q", "a", 0));
        sender.sendToken("a", 1);
        sender.send(new ServerFrame.Pong());
        sender.sendToken("b", 2);
        for (int i = 0; i < 3; i++) {
            completeNext(true);
        }
        assertEquals(List.of("Start", "a#1", "Pong", "b#2"), sent);
    }

    @Test
    void aFailedSendStopsTheSender() {
        sender.send(new ServerFrame.Start("g", "m", "c", "q", "a", 0));
        sender.sendToken("a", 1);
        completeNext(false);
        sender.sendToken("b", 2);
        assertEquals(List.of("Start"), sent);
        assertEquals(0, sender.queued());
    }

    @Test
    void closesAfterWhatWasQueuedBefore() {
        sender.send(new ServerFrame.Pong());
        sender.close(new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, "binary"));
        assertTrue(closes.isEmpty());
        completeNext(true);
        assertEquals(1, closes.size());
        assertEquals(CloseReason.CloseCodes.CANNOT_ACCEPT, closes.get(0).getCloseCode());
    }

    @Test
    void tokensThatArriveBeforeTheHandedOffDrainRunsLeaveInOneFrame() {
        List<Runnable> handedOff = new ArrayList<>();
        OrderedSender deferred = new OrderedSender(session(), encoder, handedOff::add, 10, Long.MAX_VALUE);
        deferred.sendToken("a", 1);
        deferred.sendToken("b", 2);
        deferred.sendToken("c", 3);
        assertEquals(1, handedOff.size(), "one drain handed off for the burst");
        assertTrue(sent.isEmpty(), "the parsing thread does not send itself");
        handedOff.remove(0).run();
        assertEquals(List.of("abc#3"), sent);
        deferred.sendToken("d", 4);
        assertTrue(handedOff.isEmpty(), "while a send is in flight the next frame waits for its completion");
        completeNext(true);
        assertEquals(List.of("abc#3", "d#4"), sent);
    }

    @Test
    void aReaderThatLetsTooMuchWaitIsClosedWith1013AndSentNothingMore() {
        sender.send(new ServerFrame.Start("g", "m", "c", "q", "a", 0));
        sender.sendToken("12345", 1);
        sender.sendToken("67890", 2);
        assertTrue(closes.isEmpty(), "10 characters may wait");
        sender.sendToken("x", 3);
        assertEquals(1, closes.size());
        assertEquals(CloseReason.CloseCodes.TRY_AGAIN_LATER, closes.get(0).getCloseCode());
        assertEquals(0, sender.queued(), "what waited is dropped: the client resumes from its last seq");
        completeNext(true);
        sender.sendToken("y", 4);
        assertEquals(List.of("Start"), sent);
    }

    @Test
    void aReaderThatTakesNoFrameForTooLongWhileTokensComeIsClosedWith1013() throws InterruptedException {
        OrderedSender stalled = new OrderedSender(session(), encoder, Runnable::run, 1_000_000, 1_000_000);
        stalled.sendToken("a", 1);
        Thread.sleep(5);
        assertTrue(closes.isEmpty());
        stalled.sendToken("b", 2);
        assertEquals(CloseReason.CloseCodes.TRY_AGAIN_LATER, closes.get(0).getCloseCode());
    }

    private void completeNext(boolean ok) {
        SendHandler handler = inFlight.remove(0);
        handler.onResult(ok ? new SendResult() : new SendResult(new IOException("broken pipe")));
    }

    private Session session() {
        return FakeSession.of((text, handler) -> {
            assertTrue(inFlight.isEmpty(), "a second send while one is outstanding");
            sent.add(text);
            inFlight.add(handler);
        }, closes::add);
    }
}
