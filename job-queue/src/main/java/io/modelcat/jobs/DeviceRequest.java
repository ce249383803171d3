package io.modelcat.jobs;

/**
 * The device a job needs: {@code cpu}, or {@code gpu} with a count. Each request maps to one Quartz
 * cluster that only runners able to serve it join, so a job waits until such a runner is free.
 */
public record DeviceRequest(String kind, int count) {

    public static final String CPU = "cpu";
    public static final String GPU = "gpu";
    /** Largest GPU count a job may ask for. */
    public static final int MAX_GPUS = 8;

    public DeviceRequest {
        if (!CPU.equals(kind) && !GPU.equals(kind)) {
            throw new IllegalArgumentException("device kind must be cpu or gpu, got '" + kind + "'");
        }
        if (count < 1 || (GPU.equals(kind) && count > MAX_GPUS) || (CPU.equals(kind) && count != 1)) {
            throw new IllegalArgumentException(CPU.equals(kind)
                    ? "a cpu job takes 1 device, got " + count
                    : "a gpu job takes 1 to " + MAX_GPUS + " GPUs, got " + count);
        }
    }

    public static DeviceRequest cpu() {
        return new DeviceRequest(CPU, 1);
    }

    public boolean isGpu() {
        return GPU.equals(kind);
    }

    /** The Quartz scheduler (cluster) name for jobs with this request. */
    public String schedulerName() {
        return isGpu() ? "modelcat-gpu-" + count : "modelcat-cpu";
    }
}
