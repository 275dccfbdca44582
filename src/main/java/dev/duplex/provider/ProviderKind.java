package dev.duplex.provider;

import java.util.Locale;

/** The provider APIs Duplex speaks natively ({@code duplex.provider.<name>.kind}), each with its wire format. */
public enum ProviderKind {
    OPENAI(new OpenAiFormat(), null),
    ANTHROPIC(new AnthropicFormat(), "https://api.anthropic.com/v1"),
    GEMINI(new GeminiFormat(), "https://generativelanguage.googleapis.com/v1beta"),
    OLLAMA(new OllamaFormat(), "http://localhost:11434");

    private final WireFormat format;
    private final String defaultBaseUrl;

    ProviderKind(WireFormat format, String defaultBaseUrl) {
        this.format = format;
        this.defaultBaseUrl = defaultBaseUrl;
    }

    public WireFormat format() {
        return format;
    }

    /** The provider's public endpoint, used when no base URL is configured (none for OpenAI-compatible). */
    String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ProviderKind parse(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
}
