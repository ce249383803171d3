package io.modelcat.catalog.deploy;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What happened to a deployment's instances, oldest first: placed, loading, ready, failed, retired, removed with
 * their runner, calls that failed on the runner. {@code lastId} is what to send as {@code after} for newer lines.
 */
@Serdeable
@Schema(name = "DeploymentLog")
public record DeploymentLogView(String endpoint, String deployment, List<Line> lines, long lastId) {

    /** One line; the instance and its runner are null for lines about the whole deployment. */
    @Serdeable
    @Schema(name = "DeploymentLogLine")
    public record Line(long id, Instant at, @Schema(description = "INFO, WARN or ERROR") String level,
                       @Nullable UUID instance, @Nullable String worker, String message) {
    }
}
