package io.modelcat.catalog.model;

import io.modelcat.store.model.ModelPlans;
import io.modelcat.store.model.ModelQuery;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Storage of model cards and versions. Each method is atomic on its own. */
public interface ModelRepository {

    ModelCard insert(UUID id, ModelDraft draft);

    Optional<ModelCard> find(UUID id);

    /** Replaces the card's content if its version is still {@code expectedVersion}; empty if it is not (or is gone). */
    Optional<ModelCard> update(UUID id, long expectedVersion, ModelDraft draft);

    /**
     * Marks the card of a Hugging Face repository as being imported (unless it is already imported)
     * and returns its id; empty when the catalog has no card for the repository yet.
     */
    Optional<UUID> markImporting(String repoId);

    /** The cards a Hub-style repository id names (see {@code Models.idsForRepo}), oldest first. */
    List<UUID> idsForRepo(String repoId, String nameSlug);

    /** Deletes the card unless a queued or running job uses it. */
    DeleteOutcome deleteUnlessInUse(UUID id);

    /** One page of cards (without facets). */
    ModelPage list(ModelQuery query);

    /** Counts per task, fine-tuning task and licence for the query's filters (each leaving out its own). */
    ModelPage.Facets facets(ModelQuery query);

    /** The plans PostgreSQL makes and runs for the query's page and, with facets, its counts. */
    ModelPlans plans(ModelQuery query, boolean withFacets);

    List<ModelVersion> versions(UUID modelId);

    /** The version with this id, of whichever model. */
    Optional<ModelVersion> findVersion(UUID versionId);

    /** Adds the next version number of the model; empty if the model does not exist. */
    Optional<ModelVersion> addVersion(UUID modelId, NewVersion version);

    /** What a delete did. */
    enum DeleteOutcome { DELETED, NOT_FOUND, IN_USE }

    /** The content of a new version, already validated. */
    record NewVersion(String sourceRevision, String artifactUri, UUID parentVersionId,
                      Map<String, Object> lineage, String notes) {
    }
}
