package io.modelcat.runner.worker;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** Probes this machine once at start-up. */
@Factory
class WorkerFactory {

    /**
     * This runner as it advertises itself: {@code cpu-cores} (0: the cores the JVM sees) is how many cores deployment
     * instances may reserve here, fewer to keep some for jobs or for a catalog service on the same machine.
     */
    @Singleton
    WorkerIdentity workerIdentity(@Value("${modelcat.runner.use-gpus:true}") boolean useGpus,
                                  @Value("${modelcat.runner.cpu-cores:0}") int cpuCores) {
        if (cpuCores < 0) {
            throw new IllegalArgumentException("modelcat.runner.cpu-cores (MODELCAT_RUNNER_CPU_CORES) must be 0 (the "
                    + "cores the JVM sees) or more, not " + cpuCores);
        }
        WorkerIdentity probed = DeviceProbe.probe(useGpus);
        return cpuCores == 0 ? probed : new WorkerIdentity(probed.id(), probed.host(), cpuCores, probed.memoryBytes(),
                probed.gpus());
    }
}
