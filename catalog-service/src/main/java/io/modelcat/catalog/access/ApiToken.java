package io.modelcat.catalog.access;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.UUID;

/** A personal API token as lists show it: its prefix, never the token. */
@Serdeable
@Schema(name = "ApiToken")
public record ApiToken(
        UUID id,
        UUID userId,
        String username,
        String name,
        @Schema(description = "the token's first characters, to tell tokens apart") String prefix,
        Instant createdAt,
        Instant expiresAt,
        @Nullable Instant lastUsedAt,
        @Nullable Instant revokedAt) {
}
