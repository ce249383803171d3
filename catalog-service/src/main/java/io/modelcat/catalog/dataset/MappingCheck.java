package io.modelcat.catalog.dataset;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;

/** Checking a column mapping for a task against a dataset: the request and the resolved answer. */
public final class MappingCheck {

    private MappingCheck() {
    }

    /** A task and, per schema input, the dataset column that feeds it; unmapped inputs default to the column of the same name. */
    @Serdeable
    @Schema(name = "MappingCheckRequest")
    public record Request(
            @NotBlank @Schema(description = "text-classification, token-classification, question-answering, summarization, translation, text-generation or fill-mask") String task,
            @Nullable @Size(max = 20) @Schema(description = "schema input -> dataset column, e.g. {\"sentence1\": \"review\", \"label\": \"stars\"}") Map<String, String> mapping) {
    }

    /** The mapping that will be used: every input the task reads, with its column. */
    @Serdeable
    @Schema(name = "MappingCheckResult")
    public record Result(UUID datasetId, String task, Map<String, String> mapping) {
    }
}
