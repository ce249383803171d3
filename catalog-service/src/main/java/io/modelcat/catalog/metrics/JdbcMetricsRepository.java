package io.modelcat.catalog.metrics;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.modelcat.store.Database;
import io.modelcat.store.metric.Metrics;
import io.modelcat.store.metric.PredictionSamples;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What runners recorded, as the catalog shows it, through the store's {@link Metrics} and {@link PredictionSamples}. */
@Singleton
final class JdbcMetricsRepository implements MetricsRepository {

    private final Database db;
    private final JsonMapper json;

    JdbcMetricsRepository(Database db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public JobMetrics jobMetrics(UUID jobId) {
        return db.readInTransaction(c -> {
            List<JobMetrics.FinalMetric> finals = new ArrayList<>();
            List<JobMetrics.Point> series = new ArrayList<>();
            for (Metrics.Figure f : Metrics.ofJob(c, jobId)) {
                if (f.isFinal()) {
                    finals.add(new JobMetrics.FinalMetric(f.split(), f.name(), f.value()));
                } else {
                    series.add(new JobMetrics.Point(f.split(), f.name(), f.step(), f.epoch(), f.value(), f.recordedAt()));
                }
            }
            return new JobMetrics(finals, series);
        });
    }

    @Override
    public List<PredictionSample> predictions(UUID jobId) {
        return db.readInTransaction(c -> {
            List<PredictionSample> rows = new ArrayList<>();
            for (PredictionSamples.Sample s : PredictionSamples.of(c, jobId)) {
                rows.add(new PredictionSample(s.rowIndex(), value(s.input()), value(s.expected()), value(s.predicted())));
            }
            return rows;
        });
    }

    @Override
    public List<ModelMetric> modelMetrics(UUID modelId) {
        return db.readInTransaction(c -> Metrics.ofModel(c, modelId).stream()
                .map(f -> new ModelMetric(f.jobId(), f.modelVersionId(), f.versionNumber(), f.datasetId(),
                        f.datasetName(), f.task(), f.name(), f.value(), f.recordedAt(), f.variant()))
                .toList());
    }

    @Override
    public List<LeaderboardRow> leaderboard(UUID datasetId, String task, String metric, boolean ascending, int limit) {
        return db.readInTransaction(c -> Metrics.leaderboard(c, datasetId, task, metric, ascending, limit).stream()
                .map(r -> new LeaderboardRow(r.rank(), r.modelId(), r.modelName(), r.modelVersionId(), r.versionNumber(),
                        r.jobId(), r.jobKind(), metric, r.value(), Map.of(), r.recordedAt()))
                .toList());
    }

    @Override
    public Map<UUID, Map<String, Double>> finalTestMetrics(List<UUID> jobIds) {
        return db.readInTransaction(c -> Metrics.finalTest(c, jobIds));
    }

    @Override
    public void attribute(UUID jobId, UUID modelId, UUID modelVersionId) {
        db.write(c -> {
            Metrics.attribute(c, jobId, modelId, modelVersionId);
            return null;
        });
    }

    private Object value(String text) throws IOException {
        return text == null ? null : json.readValue(text, Argument.OBJECT_ARGUMENT);
    }
}
