package io.modelcat.catalog.metrics;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One model version on a leaderboard (a dataset, a task, a metric): its latest job's value of the metric,
 * and that job's other final test metrics beside it.
 */
@Serdeable
@Schema(name = "LeaderboardRow")
public record LeaderboardRow(int rank, UUID modelId, String modelName, UUID modelVersionId, int versionNumber,
                             UUID jobId, String jobKind, String metric, double value,
                             @Schema(description = "all final test metrics of the job, by name") Map<String, Double> metrics,
                             Instant recordedAt) {
}
