package io.modelcat.catalog.jobinput;

import io.modelcat.datasets.DatasetFormat;
import io.modelcat.jobs.spec.DatasetRef;
import java.util.UUID;

/** Where a job finds a dataset: its storage path relative to the datasets folder, and its format. */
public record DatasetFile(UUID id, String name, String storagePath, String format) {

    /** The dataset as a job's specification names it. */
    public DatasetRef toRef() {
        return new DatasetRef(id, storagePath, DatasetFormat.fromWireName(format)
                .orElseThrow(() -> new IllegalStateException("dataset " + id + " has an unknown format '" + format + "'")));
    }
}
