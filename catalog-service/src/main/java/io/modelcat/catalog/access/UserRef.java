package io.modelcat.catalog.access;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.UUID;

/** An account as other records name it: who submitted a job, who uploaded a dataset. */
@Serdeable
@Schema(name = "UserRef")
public record UserRef(UUID id, String username) {
}
