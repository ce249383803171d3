package io.modelcat.catalog.model;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.constraints.Size;

/** A sample input shown on the card: a text, or a question with its context for question answering. */
@Serdeable
public record ModelSample(
        @Nullable @Size(max = 10_000) String text,
        @Nullable @Size(max = 10_000) String question,
        @Nullable @Size(max = 10_000) String context) {
}
