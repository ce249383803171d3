package io.modelcat.catalog.access;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/** An account as the API shows it: never its password or tokens. */
@Serdeable
@Schema(name = "User")
public record User(
        UUID id,
        String username,
        @Nullable String displayName,
        @Schema(description = "viewer, contributor or admin") String role,
        @Schema(description = "a disabled account cannot sign in and its tokens stop working") boolean disabled,
        @Schema(description = "whether the account can sign in with a password (else API tokens only)") boolean hasPassword,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant passwordChangedAt) {
}
