package io.modelcat.catalog.dataset;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The first rows of a dataset, each a map of column to value (JSON types kept for JSON and JSONL files). */
@Serdeable
public record DatasetPreview(UUID datasetId, List<String> columns, List<Map<String, Object>> rows) {
}
