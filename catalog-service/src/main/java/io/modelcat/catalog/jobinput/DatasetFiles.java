package io.modelcat.catalog.jobinput;

import java.util.Optional;
import java.util.UUID;

/** Looks up where datasets are stored, for the params of the jobs that read them. */
public interface DatasetFiles {

    Optional<DatasetFile> find(UUID datasetId);
}
