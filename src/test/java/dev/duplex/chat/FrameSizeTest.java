package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameSizeTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "ascii", "é", "สวัสดี", "👋🏽", "mixed ไทย 🇹🇭 text"})
    void countsUtf8BytesLikeTheEncoder(String text) {
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, FrameSize.utf8Length(text));
    }

    @ParameterizedTest
    @CsvSource({"abcd, 4, false", "abcde, 4, true", "สวัสดี, 18, false", "สวัสดี, 17, true", "👋, 4, false", "👋, 3, true"})
    void comparesWithTheLimitInBytes(String text, int limit, boolean exceeds) {
        assertEquals(exceeds, FrameSize.exceeds(text, limit));
    }
}
