package io.modelcat.catalog.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/** A page of audit records, newest first; {@code nextCursor} continues it. */
@Serdeable
public record AuditPage(List<AuditEvent> items, @Nullable String nextCursor) {
}
