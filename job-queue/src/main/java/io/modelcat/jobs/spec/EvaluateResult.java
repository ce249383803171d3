package io.modelcat.jobs.spec;

import java.util.Map;

/** The task's metrics on the dataset, the rows evaluated and the rows that could not be used. */
public record EvaluateResult(Map<String, Double> metrics, int rows, long badRows) implements JobResult {
}
