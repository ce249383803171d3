package io.modelcat.catalog.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Latencies into buckets, and percentiles back out of them. */
class TrafficHistogramTest {

    @Test
    void aLatencyFallsInTheFirstBucketEndingAtOrAboveIt() {
        assertThat(TrafficRecorder.bucket(0)).isZero();
        assertThat(TrafficRecorder.bucket(1)).isZero();
        assertThat(TrafficRecorder.bucket(2)).isEqualTo(1);
        assertThat(TrafficRecorder.bucket(3)).isEqualTo(2);
        assertThat(TrafficRecorder.bucket(10_000)).isEqualTo(12);
        assertThat(TrafficRecorder.bucket(10_001)).as("the open bucket").isEqualTo(13);
    }

    @Test
    void aPercentileIsTheEndOfTheBucketHoldingIt() {
        long[] histogram = new long[14];
        histogram[3] = 98;   // <= 10 ms
        histogram[6] = 1;    // <= 100 ms
        histogram[13] = 1;   // over 10 s
        assertThat(EndpointMetrics.percentile(histogram, 0.5)).isEqualTo(10);
        assertThat(EndpointMetrics.percentile(histogram, 0.99)).isEqualTo(100);
        assertThat(EndpointMetrics.percentile(histogram, 1.0)).as("beyond the last end").isNull();
        assertThat(EndpointMetrics.percentile(new long[14], 0.5)).as("no calls").isNull();
    }
}
