package io.modelcat.catalog.metrics;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads what runners recorded: metrics and prediction samples. */
public interface MetricsRepository {

    JobMetrics jobMetrics(UUID jobId);

    List<PredictionSample> predictions(UUID jobId);

    /**
     * Final test figures of every job on any version of the model, by version, job and name. Here and on
     * leaderboards, figures of a finetune job still attributed to the version it started from are left out:
     * they describe the fine-tuned weights, which only count once registered (see {@link #attribute}).
     */
    List<ModelMetric> modelMetrics(UUID modelId);

    /** One row per model version (its latest job), ranked; {@code metrics} not yet filled in. */
    List<LeaderboardRow> leaderboard(UUID datasetId, String task, String metric, boolean ascending, int limit);

    /** Final test figures of the jobs, by job and name. */
    Map<UUID, Map<String, Double>> finalTestMetrics(List<UUID> jobIds);

    /** Attributes all the job's figures to a model version (a fine-tuned model registered from the job). */
    void attribute(UUID jobId, UUID modelId, UUID modelVersionId);
}
