package io.modelcat.runner.task;

import io.modelcat.runner.metrics.MetricRecorder;
import java.util.List;
import java.util.Map;

/** An evaluation's metrics by name and the first predictions, kept as a sample for the UI. */
public record Evaluation(Map<String, Double> metrics, List<MetricRecorder.Prediction> sample) {

    /** Predictions kept per evaluation. */
    public static final int SAMPLE_SIZE = 50;
}
