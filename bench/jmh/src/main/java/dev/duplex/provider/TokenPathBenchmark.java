package dev.duplex.provider;

import dev.duplex.chat.FrameEncoder;
import dev.duplex.chat.ServerFrame;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU steps of one token on its way through Duplex, without the network: the upstream's SSE lines parsed
 * ({@link SseParser}), the OpenAI chunk decoded ({@link OpenAiEventDecoder}, JSON-P), and the token frame the
 * browser gets encoded ({@link FrameEncoder}, JSON-B), with the JSON-P and JSON-B implementations Payara Micro
 * 6.2025.10 runs (Parsson, Yasson). Per token; the {@code chunk} parameter is the fake upstream's chunk (what
 * bench/run measures) or one as OpenAI's API sends it, with its id, model and fingerprint.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-Xmx512m")
public class TokenPathBenchmark {

    private static final String BENCH_CHUNK = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
            + "123456789012345 \"}}]}";
    private static final String OPENAI_CHUNK = "data: {\"id\":\"chatcmpl-AbCdEfGhIjKlMnOpQrStUvWxYz012\","
            + "\"object\":\"chat.completion.chunk\",\"created\":1795843620,\"model\":\"gpt-4o-mini-2024-07-18\","
            + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_0123456789\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"content\":\" token\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}";

    @Param({"bench", "openai"})
    String chunk;

    private String line;
    private Jsonb jsonb;
    private FrameEncoder encoder;
    private SseParser parser;
    private String text;
    private long seq;

    @Setup
    public void setUp() {
        line = chunk.equals("bench") ? BENCH_CHUNK : OPENAI_CHUNK;
        jsonb = JsonbBuilder.create();
        encoder = new FrameEncoder(jsonb);
        OpenAiEventDecoder decoder = new OpenAiEventDecoder(new StreamListener() {
            @Override
            public void text(String delta) {
                text = delta;
            }

            @Override
            public void finish(String reason) {
                throw new AssertionError("no finish in this stream");
            }

            @Override
            public void usage(Usage usage) {
                throw new AssertionError("no usage in this stream");
            }

            @Override
            public void done() {
                throw new AssertionError("no [DONE] in this stream");
            }

            @Override
            public void providerError(String message, boolean transientError) {
                throw new AssertionError(message);
            }
        });
        parser = new SseParser(decoder::accept);
    }

    @TearDown
    public void tearDown() throws Exception {
        jsonb.close();
    }

    /** One chunk's two lines (its data and the blank line that ends the event) to the token's text. */
    @Benchmark
    public String parseAndDecode() {
        parser.line(line);
        parser.line("");
        return text;
    }

    /** One token frame to the JSON text sent to the browser. */
    @Benchmark
    public String encodeFrame() {
        return encoder.encode(new ServerFrame.Token(" token", ++seq));
    }

    /** Both: a chunk from the upstream to the frame for the browser. */
    @Benchmark
    public String chunkToFrame() {
        parser.line(line);
        parser.line("");
        return encoder.encode(new ServerFrame.Token(text, ++seq));
    }
}
