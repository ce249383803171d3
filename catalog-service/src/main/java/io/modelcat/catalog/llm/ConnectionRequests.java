package io.modelcat.catalog.llm;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** The bodies of the LLM connection API's changes (docs/llm.md). */
public final class ConnectionRequests {

    static final String NAME = "^[a-z][a-z0-9-]{1,62}$";
    static final String NAME_RULE = "must be 2 to 63 lowercase letters, digits and '-', starting with a letter";
    static final String KIND = "openai-compatible|openai|azure-openai|anthropic|mistral|gemini|modelcat";
    static final String KIND_RULE = "must be openai-compatible, openai, azure-openai, anthropic, mistral, gemini or "
            + "modelcat";
    static final String API_VERSION = "^[A-Za-z0-9._-]{1,40}$";
    static final String API_VERSION_RULE = "must be an API version such as 2024-10-21 (letters, digits, '.', '_', '-')";
    static final String URL = "^https?://\\S+$";
    static final String URL_RULE = "must be an http:// or https:// URL";
    static final String ENDPOINT = "^[a-z][a-z0-9-]{2,31}$";
    static final String ENDPOINT_RULE = "must name an online endpoint (3 to 32 lowercase letters, digits and '-')";

    private ConnectionRequests() {
    }

    /** A new connection. */
    @Serdeable
    @Schema(name = "CreateLlmConnection")
    public record CreateConnection(
            @NotBlank @Pattern(regexp = NAME, message = NAME_RULE) String name,
            @NotBlank @Pattern(regexp = KIND, message = KIND_RULE) String kind,
            @Nullable @Size(max = 2000) String description,
            @Nullable @Size(max = 2000) @Pattern(regexp = URL, message = URL_RULE)
            @Schema(description = "the URL the provider's API hangs under: required for openai-compatible (e.g. "
                    + "https://api.example.com/v1) and azure-openai (the resource, https://<resource>.openai.azure.com); "
                    + "openai, anthropic, mistral and gemini default to their public APIs; not for modelcat") String baseUrl,
            @Nullable @Size(max = 10_000) @Schema(description = "the provider's key, sent as its API wants it "
                    + "(Authorization: Bearer, api-key, x-api-key, x-goog-api-key); stored encrypted, never returned",
                    writeOnly = true)
            String apiKey,
            @Nullable @Size(max = 32) @Schema(description = "extra headers sent with every call (not secret: they are "
                    + "shown back)") Map<String, String> headers,
            @NotEmpty @Size(max = 500) @Schema(description = "the model names callers may use through this connection "
                    + "(modelcat: the endpoint's deployment names)") List<@NotBlank @Size(max = 200) String> allowedModels,
            @Nullable @Min(1) @Max(1024) @Schema(description = "most calls at once through this connection (default "
                    + "8); beyond it callers get 429") Integer maxConcurrent,
            @Nullable @Pattern(regexp = ENDPOINT, message = ENDPOINT_RULE)
            @Schema(description = "modelcat: the online endpoint called") String endpoint,
            @Nullable @Pattern(regexp = API_VERSION, message = API_VERSION_RULE)
            @Schema(description = "azure-openai (required): the api-version sent with every call, e.g. 2024-10-21")
            String apiVersion,
            @Nullable @Min(1) @Max(1_000_000) @Schema(description = "most calls a minute through this connection, per "
                    + "catalog service (none: no limit); beyond it callers get 429 with Retry-After")
            Integer requestsPerMinute,
            @Nullable @Size(max = 500) @Schema(description = "USD per million tokens of each allowed model, for the "
                    + "estimated cost of calls") Map<String, Price> prices) {

        @Override
        public String toString() {
            return "CreateConnection[" + name + ", " + kind + ", apiKey=" + (apiKey == null ? "none" : "…") + "]";
        }
    }

    /** New settings of a connection; what is left out stays as it is; an empty apiKey removes the key. */
    @Serdeable
    @Schema(name = "UpdateLlmConnection")
    public record UpdateConnection(
            @Nullable @Size(max = 2000) String description,
            @Nullable @Size(max = 2000) @Pattern(regexp = URL, message = URL_RULE) String baseUrl,
            @Nullable @Size(max = 10_000) @Schema(description = "a new key; \"\" removes it", writeOnly = true) String apiKey,
            @Nullable @Size(max = 32) Map<String, String> headers,
            @Nullable @Size(min = 1, max = 500) List<@NotBlank @Size(max = 200) String> allowedModels,
            @Nullable @Min(1) @Max(1024) Integer maxConcurrent,
            @Nullable @Pattern(regexp = ENDPOINT, message = ENDPOINT_RULE) String endpoint,
            @Nullable @Pattern(regexp = API_VERSION, message = API_VERSION_RULE) String apiVersion,
            @Nullable @Min(0) @Max(1_000_000) @Schema(description = "a new limit; 0 removes it") Integer requestsPerMinute,
            @Nullable @Size(max = 500) @Schema(description = "replaces the whole price table; {} empties it")
            Map<String, Price> prices) {

        @Override
        public String toString() {
            return "UpdateConnection[apiKey=" + (apiKey == null ? "unchanged" : "…") + "]";
        }
    }

    /** What one model costs: USD per million input (prompt) and output (completion) tokens. */
    @Serdeable
    @Schema(name = "LlmPrice")
    public record Price(@Nullable @Schema(description = "USD per million input tokens", minimum = "0")
                        BigDecimal inputPerMillion,
                        @Nullable @Schema(description = "USD per million output tokens", minimum = "0")
                        BigDecimal outputPerMillion) {
    }
}
