package dev.duplex.conversation;

import java.math.BigDecimal;

/** How an answer ended, as it is stored: its text, status, who answered, why it stopped, usage and cost. */
public record AnswerOutcome(String text, MessageStatus status, String model, String provider, String finishReason,
                            String errorCode, String errorMessage, Long inputTokens, Long outputTokens,
                            Boolean usageEstimated, BigDecimal cost, String currency) {
}
