package io.modelcat.catalog.job;

import java.util.UUID;

/** A dataset a job reads, in a role: {@code train}, {@code validation} or {@code test}. */
public record JobDataset(String role, UUID datasetId) {

    public static final String TRAIN = "train";
    public static final String VALIDATION = "validation";
    public static final String TEST = "test";
}
