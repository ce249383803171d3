package io.modelcat.runner.worker;

import io.micronaut.serde.annotation.Serdeable;

/** One GPU of a worker as DJL sees it. */
@Serdeable
public record Gpu(int index, String name, long memoryBytes) {
}
