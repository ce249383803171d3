package io.modelcat.catalog.metrics;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;

/** One row of an evaluation: the inputs the model read, the expected answer and what it predicted (JSON values). */
@Serdeable
@Schema(name = "PredictionSample")
public record PredictionSample(int rowIndex, Object input, Object expected, Object predicted) {
}
