package io.modelcat.catalog.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** What a job measured: final figures per split, and the series recorded during training. */
@Serdeable
@Schema(name = "JobMetrics")
public record JobMetrics(
        @JsonProperty("final") @Schema(name = "final", description = "figures at the end (no step, no epoch)") List<FinalMetric> finalMetrics,
        @Schema(description = "figures per step or epoch, in the order they were recorded") List<Point> series) {

    /** A final figure of a split, e.g. test accuracy. */
    @Serdeable
    @Schema(name = "FinalMetric")
    public record FinalMetric(String split, String name, double value) {
    }

    /** A figure recorded during training: per step ({@code train}) or per epoch ({@code validation}). */
    @Serdeable
    @Schema(name = "MetricPoint")
    public record Point(String split, String name, @Nullable Integer step, @Nullable Integer epoch, double value, Instant recordedAt) {
    }
}
