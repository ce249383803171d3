package io.modelcat.catalog.dataset;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The first rows of a dataset, each a map of column to value (JSON types kept for JSON and JSONL files). */
@Serdeable
public record DatasetPreview(UUID datasetId, List<String> columns,
                             @ArraySchema(schema = @Schema(type = "object",
                                     additionalProperties = Schema.AdditionalPropertiesValue.TRUE))
                             List<Map<String, Object>> rows) {
}
