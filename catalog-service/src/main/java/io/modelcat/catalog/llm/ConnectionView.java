package io.modelcat.catalog.llm;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the API tells of a connection: never its key, only whether one is set. */
@Serdeable
@Schema(name = "LlmConnection")
public record ConnectionView(String name, String kind, @Nullable String description, @Nullable String baseUrl,
                             @Nullable String endpoint, Map<String, String> headers, List<String> allowedModels,
                             int maxConcurrent,
                             @Nullable @Schema(description = "azure-openai: the api-version sent") String apiVersion,
                             @Nullable @Schema(description = "most calls a minute, per catalog service; absent: no limit")
                             Integer requestsPerMinute,
                             @Schema(description = "USD per million tokens, per model") Map<String, ConnectionRequests.Price>
                                     prices,
                             @Schema(description = "whether an API key is stored; the key itself is never returned")
                             boolean apiKeySet,
                             @Nullable @Schema(description = "bedrock: the AWS region") String region,
                             @Nullable @Schema(description = "bedrock: the AWS access key id") String accessKeyId,
                             @Nullable @Schema(description = "vertex: the Google Cloud project") String project,
                             @Nullable @Schema(description = "vertex: the Vertex AI location") String location,
                             @Nullable String createdBy, Instant createdAt, @Nullable String updatedBy,
                             Instant updatedAt) {

    /** Every connection. */
    @Serdeable
    @Schema(name = "LlmConnections")
    public record Connections(@Schema(description = "false until MODELCAT_SECRET_KEY is set: keys cannot be stored")
                              boolean encryptionConfigured, List<ConnectionView> items) {
    }

    /** What a connection test found. */
    @Serdeable
    @Schema(name = "LlmConnectionTest")
    public record TestResult(@Schema(description = "true when the provider listed its models") boolean ok,
                             @Nullable @Schema(description = "the provider's HTTP status; absent when it could not be "
                                     + "reached") Integer providerStatus,
                             String message,
                             @Schema(description = "the models the provider listed") List<String> models) {
    }
}
