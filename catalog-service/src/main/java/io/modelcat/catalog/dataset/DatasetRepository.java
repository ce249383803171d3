package io.modelcat.catalog.dataset;

import io.modelcat.datasets.DatasetProfile;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Storage of dataset rows (the files themselves live on disk, see {@link DatasetService}). */
public interface DatasetRepository {

    /** The facts of an uploaded file. */
    record StoredFile(String storagePath, long sizeBytes, String sha256) {
    }

    /** Where a page of the list continues: after this dataset, newest first. */
    record After(Instant createdAt, UUID id) {
    }

    Dataset insert(UUID id, String name, StoredFile file, DatasetProfile profile, UUID createdBy);

    Optional<Dataset> find(UUID id);

    /** The sniffed profile (columns, counts, preview), for previews and mapping checks. */
    Optional<DatasetProfile> profile(UUID id);

    List<Dataset> list(int limit, After after);

    /** Deletes the row unless a queued or running job reads the dataset. */
    Deletion deleteUnlessInUse(UUID id);

    /** What a delete did: the storage path of the deleted file, or the job that still uses the dataset. */
    record Deletion(Outcome outcome, String storagePath, UUID usedByJob) {
    }

    /** Whether the row was deleted, missing, or kept because a job uses it. */
    enum Outcome { DELETED, NOT_FOUND, IN_USE }
}
