package io.modelcat.catalog.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** One page of jobs, newest first; {@code nextCursor} continues the list. */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobPage(List<JobView> items, @Nullable String nextCursor) {
}
