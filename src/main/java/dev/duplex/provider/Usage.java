package dev.duplex.provider;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Token counts of one generation. {@code estimated} is true when the provider did not report them (the stream
 * was cut by a cancel or a failure) and Duplex counted for itself; it is left out of JSON when false.
 */
@JsonbPropertyOrder({"inputTokens", "outputTokens", "estimated"})
public record Usage(
        @JsonbProperty("input_tokens") long inputTokens,
        @JsonbProperty("output_tokens") long outputTokens,
        @JsonbProperty("estimated") Boolean estimated) {

    public static Usage reported(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, null);
    }

    public static Usage estimated(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, Boolean.TRUE);
    }
}
