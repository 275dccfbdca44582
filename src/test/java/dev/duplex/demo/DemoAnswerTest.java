package dev.duplex.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoAnswerTest {

    @ParameterizedTest
    @ValueSource(strings = {"What is a WebSocket?", "ทำไมท้องฟ้าถึงเป็นสีฟ้า", "emoji 👋🏽 and\nnew lines"})
    void tokensJoinBackToTheAnswerThatRestatesTheQuestion(String question) {
        List<String> tokens = DemoAnswer.tokens(question);
        assertEquals(DemoAnswer.text(question), String.join("", tokens));
        assertTrue(DemoAnswer.text(question).contains(question.strip().replaceAll("\\s+", " ")));
        assertTrue(tokens.size() > 20, "streams in many small tokens: " + tokens.size());
    }
}
