package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.Set;

/**
 * Whatever a client sends, the decoder answers with a frame or with one of the protocol's refusals, never with
 * another exception (which would close the connection with 1011). Seeds: ClientFrameDecoderFuzzTestInputs/.
 */
class ClientFrameDecoderFuzzTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final ClientFrameDecoder DECODER = new ClientFrameDecoder(JSONB);
    private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.INVALID_JSON, ErrorCode.INVALID_FRAME,
            ErrorCode.UNKNOWN_TYPE, ErrorCode.MISSING_CONTENT);

    @FuzzTest(maxDuration = "20s")
    void decodesOrRefusesEveryText(@NotNull String text) {
        ClientFrame frame;
        try {
            frame = DECODER.decode(text);
        } catch (DuplexException refused) {
            assertTrue(REFUSALS.contains(refused.code()), refused.code() + ": " + refused.getMessage());
            assertNotNull(refused.getMessage());
            return;
        }
        assertNotNull(frame);
        if (frame instanceof ClientFrame.Message message) {
            assertFalse(message.content().isBlank(), "a message always has content");
        }
        if (frame instanceof ClientFrame.Regenerate regenerate) {
            assertFalse(regenerate.conversationId().isBlank());
        }
    }
}
