package io.modelcat.runner.worker;

import java.util.List;

/** What a runner tells the others about itself: where it runs and which devices it has. */
public record WorkerIdentity(String id, String host, int cpuCores, long memoryBytes, List<Gpu> gpus) {
}
