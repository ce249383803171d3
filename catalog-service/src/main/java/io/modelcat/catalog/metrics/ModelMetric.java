package io.modelcat.catalog.metrics;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/** A final test figure of a job on one version of a model, with the dataset it was measured on. */
@Serdeable
@Schema(name = "ModelMetric")
public record ModelMetric(UUID jobId, UUID modelVersionId, int versionNumber, @Nullable UUID datasetId, @Nullable String datasetName,
                          String task, String name, double value, Instant recordedAt,
                          @Nullable @Schema(description = "the bulk test's variant that gave the figure; absent for "
                                  + "other jobs") String variant) {
}
