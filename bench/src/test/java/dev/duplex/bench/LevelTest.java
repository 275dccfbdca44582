package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LevelTest {

    @Test
    void levelsParseWithTheirOptionalTimeToFirstTokenAndConversation() {
        assertEquals(List.of(new Level(100, 10, 50, 20, 0, false), new Level(500, 4, 50, 20, 300, false),
                        new Level(100, 10, 50, 20, 0, true), new Level(1, 3, 2000, 0, 0, false)),
                Level.parseAll("100:10:50:20,500:4:50:20:300,100:10:50:20:0:conversation,1:3:2000:0"));
    }

    @Test
    void namesSayTheRateOrMaxSpeed() {
        assertEquals("100 x 50 tok/s", new Level(100, 10, 50, 20, 0).name());
        assertEquals("1000 x max speed", new Level(1000, 3, 2000, 0, 0).name());
        assertEquals("100 x 50 tok/s, one conversation", new Level(100, 10, 50, 20, 0, true).name());
    }

    @Test
    void aPromptTellsTheFakeUpstreamWhatToStream() {
        assertEquals("bench id=7 tokens=50 interval=20 ttft=300", new Level(1, 1, 50, 20, 300).prompt("7"));
    }

    @Test
    void aLevelWithTooFewFieldsIsRefused() {
        assertThrows(IndexOutOfBoundsException.class, () -> Level.parseAll("100:10:50"));
        assertThrows(NumberFormatException.class, () -> Level.parseAll("100:ten:50:20"));
    }
}
