package io.modelcat.catalog.job;

import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** One line of a job's structured log; {@code id} grows, so clients continue with {@code after=id}. */
@Serdeable
public record JobLogEntry(long id, Instant at, String level, String message,
                          @Schema(additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Map<String, Object> fields) {
}
