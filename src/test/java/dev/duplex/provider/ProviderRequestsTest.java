package dev.duplex.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request each format sends: address, authentication the provider's way, and the body's shape. */
class ProviderRequestsTest {

    private static final List<ChatMessage> MESSAGES = List.of(ChatMessage.system("Be brief."),
            ChatMessage.user("Hi"), ChatMessage.assistant("Hello"), ChatMessage.user("Again"));

    private static ModelEntry model(String upstreamName, Integer maxOutput) {
        return new ModelEntry("id", "p", upstreamName, "Id", maxOutput, null, null, null, List.of());
    }

    private static Provider provider(ProviderKind kind, String base) {
        return new Provider("p", kind, URI.create(base), "KEY", Map.of("X-Org", "acme"), null);
    }

    @Test
    void openAiCompatible() {
        HttpRequest request = ProviderKind.OPENAI.format().request(provider(ProviderKind.OPENAI, "http://h/v1/"),
                model("gpt-x", 100), MESSAGES);
        assertEquals("http://h/v1/chat/completions", request.uri().toString());
        assertEquals("Bearer KEY", request.headers().firstValue("authorization").orElseThrow());
        assertEquals("acme", request.headers().firstValue("x-org").orElseThrow());
        assertEquals("{\"model\":\"gpt-x\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello\"},{\"role\":\"user\",\"content\":\"Again\"}],"
                + "\"max_tokens\":100}", OpenAiFormat.body(model("gpt-x", 100), MESSAGES));
    }

    @Test
    void anthropicMessages() {
        HttpRequest request = ProviderKind.ANTHROPIC.format().request(
                provider(ProviderKind.ANTHROPIC, "http://h/v1"), model("claude-x", null), MESSAGES);
        assertEquals("http://h/v1/messages", request.uri().toString());
        assertEquals("KEY", request.headers().firstValue("x-api-key").orElseThrow());
        assertEquals("2023-06-01", request.headers().firstValue("anthropic-version").orElseThrow());
        assertTrue(request.headers().firstValue("authorization").isEmpty());
        assertEquals("{\"model\":\"claude-x\",\"max_tokens\":4096,\"stream\":true,\"system\":\"Be brief.\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"},"
                + "{\"role\":\"user\",\"content\":\"Again\"}]}", AnthropicFormat.body(model("claude-x", null), MESSAGES));
    }

    @Test
    void geminiStreamGenerateContent() {
        HttpRequest request = ProviderKind.GEMINI.format().request(provider(ProviderKind.GEMINI, "http://h/v1beta"),
                model("gemini-2.5-flash", 50), MESSAGES);
        assertEquals("http://h/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", request.uri().toString());
        assertEquals("KEY", request.headers().firstValue("x-goog-api-key").orElseThrow());
        assertEquals("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"text\":\"Hello\"}]},{\"role\":\"user\",\"parts\":[{\"text\":\"Again\"}]}],"
                + "\"systemInstruction\":{\"parts\":[{\"text\":\"Be brief.\"}]},"
                + "\"generationConfig\":{\"maxOutputTokens\":50}}", GeminiFormat.body(model("g", 50), MESSAGES));
    }

    @Test
    void ollamaChat() {
        HttpRequest request = ProviderKind.OLLAMA.format().request(provider(ProviderKind.OLLAMA, "http://h:11434"),
                model("llama3.2", 64), MESSAGES);
        assertEquals("http://h:11434/api/chat", request.uri().toString());
        assertTrue(OllamaFormat.body(model("llama3.2", 64), MESSAGES)
                .endsWith("\"options\":{\"num_predict\":64}}"));
    }

    @Test
    void costIsExactDecimalArithmeticPerMillionTokens() {
        ModelEntry priced = new ModelEntry("m", "p", "m", "m", null, null, new BigDecimal("3"),
                new BigDecimal("15"), List.of());
        Cost cost = priced.cost(Usage.reported(1234, 567), "USD");
        assertEquals(new BigDecimal("0.003702"), cost.input());
        assertEquals(new BigDecimal("0.008505"), cost.output());
        assertEquals(new BigDecimal("0.012207"), cost.total());
        assertEquals(null, cost.estimated());
        Cost tiny = new ModelEntry("m", "p", "m", "m", null, null, new BigDecimal("0.075"), null, List.of())
                .cost(Usage.estimated(1, 9), "EUR");
        assertEquals(new BigDecimal("7.5E-8"), tiny.total());
        assertEquals(Boolean.TRUE, tiny.estimated());
        assertEquals(null, model("x", null).cost(Usage.reported(10, 10), "USD"), "no prices, no cost");
    }
}
