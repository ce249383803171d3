package io.modelcat.runner.evaluate;

import ai.djl.Device;
import io.modelcat.runner.execute.JobContext;

/** The DJL device of a job: its first assigned GPU, or the CPU. */
public final class Devices {

    private Devices() {
    }

    public static Device of(JobContext context) {
        return context.gpus().isEmpty() ? Device.cpu() : Device.gpu(context.gpus().get(0));
    }
}
