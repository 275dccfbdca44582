package dev.duplex.provider;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * What one generation cost, from the catalogue's prices per million tokens: exact decimal arithmetic, rounded to
 * ten decimal places (a millionth of a cent is still visible). {@code estimated} follows the usage it came from.
 */
@JsonbPropertyOrder({"input", "output", "total", "currency", "estimated"})
public record Cost(BigDecimal input, BigDecimal output, BigDecimal total, String currency, Boolean estimated) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final int SCALE = 10;

    static Cost of(Usage usage, BigDecimal pricePerMillionIn, BigDecimal pricePerMillionOut, String currency) {
        BigDecimal input = price(usage.inputTokens(), pricePerMillionIn);
        BigDecimal output = price(usage.outputTokens(), pricePerMillionOut);
        return new Cost(input, output, input.add(output).stripTrailingZeros(), currency, usage.estimated());
    }

    private static BigDecimal price(long tokens, BigDecimal perMillion) {
        if (perMillion == null || tokens == 0) {
            return BigDecimal.ZERO;
        }
        return BigDecimal.valueOf(tokens).multiply(perMillion, MathContext.DECIMAL128)
                .divide(MILLION, SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
    }
}
