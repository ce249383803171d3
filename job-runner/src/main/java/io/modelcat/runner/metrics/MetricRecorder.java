package io.modelcat.runner.metrics;

import io.micronaut.json.JsonMapper;
import io.modelcat.runner.execute.WriteBehind;
import io.modelcat.store.metric.Metrics;
import io.modelcat.store.metric.PredictionSamples;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Registers what jobs measure, through the store's {@link Metrics} and {@link PredictionSamples}: values per step,
 * epoch and split, and a sample of predictions; through {@link WriteBehind}, so that none is lost to an outage.
 */
@Singleton
public class MetricRecorder {

    private final WriteBehind writes;
    private final JsonMapper json;

    public MetricRecorder(WriteBehind writes, JsonMapper json) {
        this.writes = writes;
        this.json = json;
    }

    /** Where measured values belong: the job, the model version measured, the dataset and the task. */
    public record Subject(UUID jobId, UUID modelVersionId, UUID datasetId, String task) {
    }

    /** One prediction of the sample kept for the UI. */
    public record Prediction(int rowIndex, Object input, Object expected, Object predicted) {
    }

    /** Records values of one split; {@code step} and {@code epoch} are null for final figures. */
    public void record(Subject subject, String split, Map<String, Double> values, Integer step, Integer epoch) {
        Metrics.Subject row = new Metrics.Subject(subject.jobId(), subject.modelVersionId(), subject.datasetId(),
                subject.task());
        writes.append(c -> {
            Metrics.record(c, row, split, values, step, epoch);
            return null;
        });
    }

    /** Replaces the job's prediction sample. */
    public void predictions(UUID jobId, List<Prediction> predictions) {
        writes.append(c -> {
            List<PredictionSamples.Sample> samples = new ArrayList<>();
            for (Prediction p : predictions) {
                samples.add(new PredictionSamples.Sample(p.rowIndex(), json.writeValueAsString(p.input()),
                        p.expected() == null ? null : json.writeValueAsString(p.expected()),
                        json.writeValueAsString(p.predicted())));
            }
            PredictionSamples.replace(c, jobId, samples);
            return null;
        });
    }
}
