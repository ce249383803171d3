package io.modelcat.runner.telemetry;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.modelcat.runner.worker.Gpu;
import io.modelcat.runner.worker.WorkerIdentity;
import jakarta.inject.Singleton;
import java.lang.management.MemoryUsage;
import java.util.function.ToDoubleFunction;

/**
 * Memory of each GPU this runner offers, as DJL's CUDA probe reports it ({@code modelcat_gpu_memory_used_bytes},
 * {@code modelcat_gpu_memory_total_bytes}, by {@code gpu} index). A CPU runner has no such series.
 */
@Singleton
public class GpuMemoryMeters implements MeterBinder {

    private final WorkerIdentity identity;

    public GpuMemoryMeters(WorkerIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Gpu gpu : identity.gpus()) {
            Device device = Device.gpu(gpu.index());
            gauge(registry, "modelcat.gpu.memory.used", "GPU memory in use on the device (by every process)",
                    device, MemoryUsage::getCommitted);
            gauge(registry, "modelcat.gpu.memory.total", "GPU memory of the device", device, MemoryUsage::getMax);
        }
    }

    private static void gauge(MeterRegistry registry, String name, String description, Device device,
                              ToDoubleFunction<MemoryUsage> value) {
        Gauge.builder(name, device, d -> read(d, value))
                .description(description)
                .baseUnit("bytes")
                .tag("gpu", Integer.toString(device.getDeviceId()))
                .register(registry);
    }

    private static double read(Device device, ToDoubleFunction<MemoryUsage> value) {
        try {
            return value.applyAsDouble(CudaUtils.getGpuMemory(device));
        } catch (RuntimeException | LinkageError e) {
            // The driver went away or refused: no value rather than a failed scrape.
            return Double.NaN;
        }
    }
}
