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
    static final String KIND = "openai-compatible|openai|azure-openai|anthropic|mistral|gemini|bedrock|vertex|cohere"
            + "|modelcat";
    static final String KIND_RULE = "must be openai-compatible, openai, azure-openai, anthropic, mistral, gemini, "
            + "bedrock, vertex, cohere or modelcat";
    static final String REGION = "^[a-z]{2}(-[a-z0-9]+){1,4}$";
    static final String REGION_RULE = "must be an AWS region such as us-east-1";
    static final String ACCESS_KEY_ID = "^[A-Z0-9]{16,128}$";
    static final String ACCESS_KEY_ID_RULE = "must be an AWS access key id such as AKIAIOSFODNN7EXAMPLE (16 to 128 "
            + "capital letters and digits)";
    static final String PROJECT = "^[a-z][a-z0-9-]{4,28}[a-z0-9]$";
    static final String PROJECT_RULE = "must be a Google Cloud project id (6 to 30 lowercase letters, digits and '-')";
    static final String LOCATION = "^(global|[a-z]+-[a-z]+[0-9]+)$";
    static final String LOCATION_RULE = "must be a Vertex AI location such as us-central1, europe-west4 or global";
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
                    + "openai, anthropic, mistral, gemini and cohere default to their public APIs, bedrock to "
                    + "https://bedrock-runtime.<region>.amazonaws.com, vertex to https://<location>-aiplatform."
                    + "googleapis.com; not for modelcat") String baseUrl,
            @Nullable @Size(max = 10_000) @Schema(description = "the provider's key, sent as its API wants it "
                    + "(Authorization: Bearer, api-key, x-api-key, x-goog-api-key); bedrock: the secret access key, "
                    + "which signs each call (SigV4); vertex: the service account key (its whole JSON), which mints "
                    + "access tokens; stored encrypted, never returned", writeOnly = true)
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
                    + "estimated cost of calls") Map<String, Price> prices,
            @Nullable @Pattern(regexp = REGION, message = REGION_RULE)
            @Schema(description = "bedrock (required): the AWS region calls are signed for, e.g. us-east-1") String region,
            @Nullable @Pattern(regexp = ACCESS_KEY_ID, message = ACCESS_KEY_ID_RULE)
            @Schema(description = "bedrock (required): the AWS access key id whose secret access key is the apiKey")
            String accessKeyId,
            @Nullable @Pattern(regexp = PROJECT, message = PROJECT_RULE)
            @Schema(description = "vertex (required): the Google Cloud project id") String project,
            @Nullable @Pattern(regexp = LOCATION, message = LOCATION_RULE)
            @Schema(description = "vertex (required): the Vertex AI location, e.g. us-central1 or global")
            String location) {

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
            Map<String, Price> prices,
            @Nullable @Pattern(regexp = REGION, message = REGION_RULE) @Schema(description = "bedrock: a new region")
            String region,
            @Nullable @Pattern(regexp = ACCESS_KEY_ID, message = ACCESS_KEY_ID_RULE)
            @Schema(description = "bedrock: a new access key id (set apiKey to its secret with it)") String accessKeyId,
            @Nullable @Pattern(regexp = PROJECT, message = PROJECT_RULE) @Schema(description = "vertex: a new project")
            String project,
            @Nullable @Pattern(regexp = LOCATION, message = LOCATION_RULE) @Schema(description = "vertex: a new location")
            String location) {

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
