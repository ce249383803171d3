package io.modelcat.jobs.spec;

import java.util.UUID;

/** The card and version an import filled, the commit it read, and whether the version is new. */
public record ImportResult(UUID modelId, UUID versionId, int versionNumber, String revision, long bytes,
                           boolean newVersion) implements JobResult {
}
