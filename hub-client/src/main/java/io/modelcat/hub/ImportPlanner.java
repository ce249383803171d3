package io.modelcat.hub;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Asks the Hub about a model and turns the answer into an {@link ImportPlan} for one of the tasks given. */
public final class ImportPlanner {

    private static final int MAX_INDEX_BYTES = 16 * 1024 * 1024;

    private final HubClient client;
    private final List<String> supportedTasks;

    /** @param supportedTasks the Hub {@code pipeline_tag}s the caller can use; others are refused */
    public ImportPlanner(HubClient client, Collection<String> supportedTasks) {
        this.client = Objects.requireNonNull(client, "client");
        this.supportedTasks = List.copyOf(supportedTasks);
    }

    /**
     * Fetches the model's info (and its shard index when sharded) and decides what to import.
     *
     * @throws HubException GATED_OR_PRIVATE at once for a gated model when no token is configured; otherwise as
     *                      {@link HubClient#modelInfo} and {@link ImportPlan#decide}
     */
    public ImportPlan plan(ModelId id) {
        return plan(id, client.modelInfo(id));
    }

    /** Decides what to import from model info already fetched. */
    public ImportPlan plan(ModelId id, ModelInfo info) {
        if (info.gated() && client.settings().token() == null) {
            throw new HubException(HubException.Kind.GATED_OR_PRIVATE, "model " + id.repoId()
                    + " is gated: accept its licence at " + client.settings().endpoint() + "/" + id.repoId()
                    + " and set HF_TOKEN to an access token of that account");
        }
        return ImportPlan.decide(id, info, supportedTasks,
                name -> client.fetchSmallFile(id.withRevision(info.sha()), name, MAX_INDEX_BYTES));
    }
}
