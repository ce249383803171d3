package io.modelcat.hub;

import java.nio.file.Path;
import java.util.List;

/**
 * A complete model directory on disk.
 *
 * @param directory  the snapshot's directory
 * @param plan       the plan it was made from
 * @param downloaded the files fetched by this call; empty when the snapshot was already there
 * @param reused     whether a complete snapshot was already in place (nothing was downloaded or a concurrent download won)
 */
public record ModelSnapshot(Path directory, ImportPlan plan, List<DownloadedFile> downloaded, boolean reused) {

    public ModelSnapshot {
        downloaded = List.copyOf(downloaded);
    }

    public Path file(String rfilename) {
        return HubPaths.resolveInside(directory, rfilename);
    }
}
