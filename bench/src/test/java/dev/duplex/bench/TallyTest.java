package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TallyTest {

    @Test
    void onlyAMessagesFirstTextIsItsTimeToFirstToken() {
        Tally tally = new Tally();
        tally.sent("m1");
        long sent = System.nanoTime();
        tally.received(sent + " ", sent + 5_000_000);
        tally.received(sent + " " + sent + " ", sent + 9_000_000);
        tally.sent("m2");
        long again = System.nanoTime();
        tally.received(again + " ", again + 2_000_000);

        Result result = Tally.result("duplex", new Level(1, 2, 2, 20, 0), List.of(tally), 0, 1.0, 0);
        assertEquals(4, result.tokens());
        assertEquals(2, result.ttft().size());
        assertTrue(result.ttft().get(0) >= 5_000, "from the send, in microseconds: " + result.ttft().get(0));
        assertTrue(result.ttft().get(1) >= 2_000 && result.ttft().get(1) < 5_000, "the second message's own");
        assertEquals(List.of(5_000L, 9_000L, 9_000L, 2_000L), List.of(result.latency().get(0),
                result.latency().get(1), result.latency().get(2), result.latency().get(3)));
        assertEquals(2, result.sends().size());
    }

    @Test
    void sessionsThatMissedTheDeadlineCountAsErrorsBesideTheTalliedOnes() {
        Tally one = new Tally();
        one.error();
        Tally two = new Tally();
        two.error();
        two.error();
        Result result = Tally.result("direct", new Level(3, 1, 1, 20, 0), List.of(one, two), 4, 1.0, 0);
        assertEquals(7, result.errors());
        assertEquals(0, result.tokens());
    }
}
