package io.modelcat.catalog.dataset;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** One page of the dataset list, newest first; {@code nextCursor} continues it (absent on the last page). */
@Serdeable
public record DatasetPage(List<Dataset> items, @Nullable String nextCursor) {
}
