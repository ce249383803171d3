package io.modelcat.catalog.deploy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.store.deploy.DeploymentTraffic;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * What an endpoint's deployments answered over the last minutes, summed over every catalog service.
 * Percentiles are read from a histogram: each is the upper end of the latency bucket that holds it (buckets end
 * at 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000 and 10000 ms); null when there were no calls, or
 * when it lies beyond 10 s.
 */
@Serdeable
@Schema(name = "EndpointMetrics")
public record EndpointMetrics(String endpoint, int minutes, List<Deployment> deployments) {

    /** One deployment's totals over the window and its minutes. */
    @Serdeable
    @Schema(name = "DeploymentMetrics")
    public record Deployment(String name, long requests, double requestsPerSecond, long errors, long throttled,
                             long mirrored, @Nullable Integer p50Ms, @Nullable Integer p99Ms, List<Minute> series) {
    }

    /** One minute of one deployment. */
    @Serdeable
    @Schema(name = "DeploymentMinute")
    public record Minute(Instant minute, long requests, long errors, long throttled, long mirrored,
                         @Nullable Integer p50Ms, @Nullable Integer p99Ms) {
    }

    /** The upper end of the bucket holding quantile {@code q} of a latency histogram, or null. */
    static Integer percentile(long[] histogram, double q) {
        long total = 0;
        for (long n : histogram) {
            total += n;
        }
        if (total == 0) {
            return null;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return i < DeploymentTraffic.BUCKET_ENDS_MS.size() ? DeploymentTraffic.BUCKET_ENDS_MS.get(i) : null;
            }
        }
        return null;
    }
}
