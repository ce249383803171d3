package io.modelcat.catalog.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * One page of a model list: cards as summaries (an excerpt, not the description). {@code nextCursor} continues
 * the list (absent on the last page); {@code total} and {@code facets} are present when facets were asked for.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelPage(List<ModelSummary> items, @Nullable String nextCursor, @Nullable Long total, @Nullable Facets facets) {

    /**
     * Counts per value of each filter, each computed with all the other filters applied but not its
     * own, so that a UI can show how many models choosing that value would give.
     */
    @Serdeable
    public record Facets(Map<String, Long> task, Map<String, Long> finetuningTask, Map<String, Long> license) {
    }
}
