package io.modelcat.runner.worker;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** Probes this machine once at start-up. */
@Factory
class WorkerFactory {

    @Singleton
    WorkerIdentity workerIdentity(@Value("${modelcat.runner.use-gpus:true}") boolean useGpus) {
        return DeviceProbe.probe(useGpus);
    }
}
