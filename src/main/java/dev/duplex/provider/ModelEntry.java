package dev.duplex.provider;

import java.math.BigDecimal;
import java.util.List;

/**
 * One model a user may pick ({@code duplex.model.<id>.*}): the provider that serves it, the name that provider
 * knows it by, and what the catalogue says of it. Prices are per million tokens, null when not configured.
 */
public record ModelEntry(String id, String provider, String upstreamName, String displayName, Integer maxOutputTokens,
                         Integer contextWindow, BigDecimal priceInput, BigDecimal priceOutput, List<String> fallback) {

    /** What one generation with this usage cost, or null when the catalogue has no prices for the model. */
    public Cost cost(Usage usage, String currency) {
        if (usage == null || (priceInput == null && priceOutput == null)) {
            return null;
        }
        return Cost.of(usage, priceInput, priceOutput, currency);
    }
}
