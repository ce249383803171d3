package io.modelcat.catalog.llm;

import io.modelcat.store.llm.LlmConnections;
import java.util.Arrays;
import java.util.Optional;

/** The kinds of LLM connection (docs/llm.md): each speaks one dialect, with its settings and their defaults. */
enum ProviderKind {

    OPENAI_COMPATIBLE("openai-compatible", OpenAiDialect.FULL, null, null),
    OPENAI("openai", OpenAiDialect.FULL, "https://api.openai.com/v1", "OpenAI"),
    AZURE_OPENAI("azure-openai", AzureOpenAiDialect.INSTANCE, null, "Azure OpenAI"),
    ANTHROPIC("anthropic", AnthropicDialect.INSTANCE, "https://api.anthropic.com/v1", "Anthropic"),
    MISTRAL("mistral", OpenAiDialect.MISTRAL, "https://api.mistral.ai/v1", "Mistral AI"),
    GEMINI("gemini", GeminiDialect.INSTANCE, "https://generativelanguage.googleapis.com/v1beta", "Google"),
    MODELCAT("modelcat", OpenAiDialect.MODELCAT, null, "ModelCat"),
    /** AWS Bedrock Runtime; its default base URL is its region's ({@link #defaultBaseUrl(LlmConnections.Cloud)}). */
    BEDROCK("bedrock", BedrockDialect.INSTANCE, null, "Amazon Bedrock"),
    /** Gemini on Google Vertex AI; its default base URL is its location's. */
    VERTEX("vertex", VertexDialect.INSTANCE, null, "Google Vertex AI"),
    COHERE("cohere", CohereDialect.INSTANCE, "https://api.cohere.com", "Cohere");

    private final String id;
    private final ProviderDialect dialect;
    private final String defaultBaseUrl;
    private final String publisher;

    ProviderKind(String id, ProviderDialect dialect, String defaultBaseUrl, String publisher) {
        this.id = id;
        this.dialect = dialect;
        this.defaultBaseUrl = defaultBaseUrl;
        this.publisher = publisher;
    }

    /** Who serves the models, as a hosted model's card names its publisher; null for any OpenAI-compatible server. */
    String publisher() {
        return publisher;
    }

    /** The licence a hosted model's card shows: the provider's terms, or unknown for any OpenAI-compatible server. */
    String license() {
        return publisher == null ? "unknown" : "proprietary";
    }

    /** The kind's name in the API, e.g. {@code azure-openai}. */
    String id() {
        return id;
    }

    ProviderDialect dialect() {
        return dialect;
    }

    /**
     * The base URL used when a connection sets none; empty when it must set one (or, for modelcat, cannot), and for
     * bedrock and vertex until their region or location is known.
     */
    Optional<String> defaultBaseUrl(LlmConnections.Cloud cloud) {
        return switch (this) {
            case BEDROCK -> Optional.ofNullable(cloud.region()).map(BedrockDialect::runtimeUrl);
            case VERTEX -> Optional.ofNullable(cloud.location()).map(VertexDialect::locationUrl);
            default -> Optional.ofNullable(defaultBaseUrl);
        };
    }

    static Optional<ProviderKind> of(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }

    static ProviderKind known(String id) {
        return of(id).orElseThrow(() -> new IllegalStateException("unknown LLM connection kind '" + id + "'"));
    }
}
