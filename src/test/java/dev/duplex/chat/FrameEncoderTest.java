package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.provider.Cost;
import dev.duplex.provider.Usage;
import dev.duplex.stream.Notice;
import java.math.BigDecimal;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The exact JSON of each server frame: field names are the protocol. */
class FrameEncoderTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final FrameEncoder ENCODER = new FrameEncoder(JSONB);

    @AfterAll
    static void close() throws Exception {
        JSONB.close();
    }

    @Test
    void start() {
        assertEquals("{\"type\":\"start\",\"id\":\"g1\",\"model\":\"m\",\"conversation_id\":\"c1\","
                        + "\"question_id\":\"q1\",\"message_id\":\"a1\"}",
                ENCODER.encode(new ServerFrame.Start("g1", "m", "c1", "q1", "a1", 0)));
        assertEquals("{\"type\":\"start\",\"id\":\"g1\",\"model\":\"m\",\"conversation_id\":\"c1\","
                        + "\"message_id\":\"a2\",\"history_dropped\":4}",
                ENCODER.encode(new ServerFrame.Start("g1", "m", "c1", null, "a2", 4)));
    }

    @Test
    void tokenKeepsMultiByteText() {
        assertEquals("{\"type\":\"token\",\"content\":\"สวัสดี \\\"👋\\\"\",\"seq\":3}",
                ENCODER.encode(new ServerFrame.Token("สวัสดี \"👋\"", 3)));
    }

    @Test
    void endWithReportedUsage() {
        assertEquals("{\"type\":\"end\",\"id\":\"g1\",\"finish_reason\":\"stop\","
                        + "\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}",
                ENCODER.encode(new ServerFrame.End("g1", "stop", Usage.reported(5, 7), null, null, null)));
    }

    @Test
    void endWithEstimatedUsage() {
        assertEquals("{\"type\":\"end\",\"id\":\"g1\",\"finish_reason\":\"cancelled\","
                        + "\"usage\":{\"input_tokens\":5,\"output_tokens\":2,\"estimated\":true}}",
                ENCODER.encode(new ServerFrame.End("g1", "cancelled", Usage.estimated(5, 2), null, null, null)));
    }

    @Test
    void refusalErrorHasNoGenerationFields() {
        assertEquals("{\"type\":\"error\",\"code\":\"busy\",\"message\":\"wait\"}",
                ENCODER.encode(ServerFrame.Error.of(new DuplexException(ErrorCode.BUSY, "wait"))));
    }

    @Test
    void upstreamErrorCarriesStatusAndRetryAfter() {
        DuplexException e = new DuplexException(ErrorCode.UPSTREAM_RATE_LIMITED, "slow down", 429, 2000L, null);
        assertEquals("{\"type\":\"error\",\"code\":\"upstream_rate_limited\",\"message\":\"slow down\",\"id\":\"g\","
                        + "\"partial\":false,\"status\":429,\"retry_after_ms\":2000,\"usage\":{\"input_tokens\":1,\"output_tokens\":0,"
                        + "\"estimated\":true}}",
                ENCODER.encode(ServerFrame.Error.of(e, "g", false, Usage.estimated(1, 0), null, null, null)));
    }

    @Test
    void endNamesTheAnsweringModelAndItsCost() {
        Cost cost = new Cost(new BigDecimal("0.0015"), new BigDecimal("0.006"), new BigDecimal("0.0075"), "USD", null);
        assertEquals("{\"type\":\"end\",\"id\":\"g1\",\"finish_reason\":\"stop\","
                        + "\"usage\":{\"input_tokens\":1000,\"output_tokens\":400},"
                        + "\"cost\":{\"input\":0.0015,\"output\":0.006,\"total\":0.0075,\"currency\":\"USD\"},"
                        + "\"model\":\"claude-x\",\"provider\":\"anthropic\"}",
                ENCODER.encode(new ServerFrame.End("g1", "stop", Usage.reported(1000, 400), cost, "claude-x",
                        "anthropic")));
    }

    @Test
    void noticeOfAFallback() {
        assertEquals("{\"type\":\"notice\",\"code\":\"fallback\",\"message\":\"m\",\"id\":\"g\","
                        + "\"model\":\"b\",\"requested_model\":\"a\"}",
                ENCODER.encode(ServerFrame.Notice.of("g", new Notice("fallback", "m", "b", "a", null, null))));
    }

    @Test
    void pong() {
        assertEquals("{\"type\":\"pong\"}", ENCODER.encode(new ServerFrame.Pong()));
    }
}
