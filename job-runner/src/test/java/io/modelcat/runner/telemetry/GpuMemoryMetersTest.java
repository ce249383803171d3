package io.modelcat.runner.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelcat.runner.worker.DeviceProbe;
import io.modelcat.runner.worker.Gpu;
import io.modelcat.runner.worker.WorkerIdentity;
import org.junit.jupiter.api.Test;

/**
 * The GPU memory gauges read from the real CUDA probe: on a machine with GPUs, each GPU's memory in use and in
 * all, in bytes, by index (skipped, visibly, without one); a runner that offers no GPU has no such series.
 */
class GpuMemoryMetersTest {

    @Test
    void eachGpuHasItsMemoryInUseAndInAll() {
        WorkerIdentity identity = DeviceProbe.probe(true);
        assumeTrue(!identity.gpus().isEmpty(), "needs a GPU: this machine has none");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new GpuMemoryMeters(identity).bindTo(registry);

        for (Gpu gpu : identity.gpus()) {
            String index = Integer.toString(gpu.index());
            Gauge used = registry.get("modelcat.gpu.memory.used").tag("gpu", index).gauge();
            Gauge total = registry.get("modelcat.gpu.memory.total").tag("gpu", index).gauge();
            assertThat(total.value()).as("GPU %s total", index).isEqualTo((double) gpu.memoryBytes());
            assertThat(used.value()).as("GPU %s in use", index).isPositive().isLessThanOrEqualTo(total.value());
            assertThat(used.getId().getBaseUnit()).isEqualTo("bytes");
        }
    }

    @Test
    void aRunnerWithoutGpusHasNoGpuSeries() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new GpuMemoryMeters(DeviceProbe.probe(false)).bindTo(registry);

        assertThat(registry.find("modelcat.gpu.memory.used").gauges()).isEmpty();
        assertThat(registry.find("modelcat.gpu.memory.total").gauges()).isEmpty();
    }
}
