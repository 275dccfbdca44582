package dev.duplex.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.error.DuplexException;
import dev.duplex.error.ErrorCode;
import dev.duplex.stream.Usage;
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
        assertEquals("{\"type\":\"start\",\"id\":\"g1\",\"model\":\"m\"}",
                ENCODER.encode(new ServerFrame.Start("g1", "m")));
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
                ENCODER.encode(new ServerFrame.End("g1", "stop", Usage.reported(5, 7))));
    }

    @Test
    void endWithEstimatedUsage() {
        assertEquals("{\"type\":\"end\",\"id\":\"g1\",\"finish_reason\":\"cancelled\","
                        + "\"usage\":{\"input_tokens\":5,\"output_tokens\":2,\"estimated\":true}}",
                ENCODER.encode(new ServerFrame.End("g1", "cancelled", Usage.estimated(5, 2))));
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
                        + "\"status\":429,\"retry_after_ms\":2000,\"usage\":{\"input_tokens\":1,\"output_tokens\":0,"
                        + "\"estimated\":true}}",
                ENCODER.encode(ServerFrame.Error.of(e, "g", Usage.estimated(1, 0))));
    }

    @Test
    void pong() {
        assertEquals("{\"type\":\"pong\"}", ENCODER.encode(new ServerFrame.Pong()));
    }
}
