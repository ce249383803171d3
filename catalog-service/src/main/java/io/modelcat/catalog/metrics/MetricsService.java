package io.modelcat.catalog.metrics;

import io.micronaut.json.JsonMapper;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.model.ModelRepository;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.jobs.task.Direction;
import io.modelcat.jobs.task.Task;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads job results: metrics, prediction samples, a model's scores and leaderboards. */
@Singleton
public class MetricsService {

    static final int DEFAULT_LEADERBOARD_LIMIT = 50;
    static final int MAX_LEADERBOARD_LIMIT = 500;

    private final MetricsRepository metrics;
    private final JobService jobs;
    private final ModelRepository models;
    private final PredictionCsv csv;

    public MetricsService(MetricsRepository metrics, JobService jobs, ModelRepository models, JsonMapper json) {
        this.metrics = metrics;
        this.jobs = jobs;
        this.models = models;
        this.csv = new PredictionCsv(json);
    }

    public JobMetrics jobMetrics(UUID jobId) {
        jobs.get(jobId);
        return metrics.jobMetrics(jobId);
    }

    public List<PredictionSample> predictions(UUID jobId) {
        jobs.get(jobId);
        return metrics.predictions(jobId);
    }

    public String predictionsCsv(UUID jobId) {
        return csv.write(predictions(jobId));
    }

    public List<ModelMetric> modelMetrics(UUID modelId) {
        if (models.find(modelId).isEmpty()) {
            throw new NotFoundException("no model has id " + modelId);
        }
        return metrics.modelMetrics(modelId);
    }


    public List<LeaderboardRow> leaderboard(UUID datasetId, String task, String metric, Integer limit) {
        List<FieldError> errors = new ArrayList<>();
        if (datasetId == null) {
            errors.add(new FieldError("datasetId", "is required"));
        }
        if (task == null || task.isBlank()) {
            errors.add(new FieldError("task", "is required, e.g. text-classification"));
        }
        if (metric == null || metric.isBlank()) {
            errors.add(new FieldError("metric", "is required, e.g. accuracy or f1_macro"));
        }
        int size = limit == null ? DEFAULT_LEADERBOARD_LIMIT : limit;
        if (size < 1 || size > MAX_LEADERBOARD_LIMIT) {
            errors.add(new FieldError("limit", "must be between 1 and " + MAX_LEADERBOARD_LIMIT + ", got " + size));
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        // The registry says which way a metric improves; a name it does not know ranks highest first.
        Direction direction = Task.directionOf(metric).orElse(Direction.HIGHER_IS_BETTER);
        List<LeaderboardRow> ranked = metrics.leaderboard(datasetId, task, metric,
                direction == Direction.LOWER_IS_BETTER, size);
        Map<UUID, Map<String, Double>> others = metrics.finalTestMetrics(
                ranked.stream().map(LeaderboardRow::jobId).distinct().toList());
        return ranked.stream().map(r -> new LeaderboardRow(r.rank(), r.modelId(), r.modelName(), r.modelVersionId(),
                r.versionNumber(), r.jobId(), r.jobKind(), r.metric(), r.value(),
                others.getOrDefault(r.jobId(), Map.of()), r.recordedAt())).toList();
    }
}
