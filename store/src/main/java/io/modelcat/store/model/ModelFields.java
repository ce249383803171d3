package io.modelcat.store.model;

import java.util.List;

/** The content of a model card as the {@code model} table stores it, already validated; {@code samples} is JSON text. */
public record ModelFields(
        String name,
        String publisher,
        String description,
        String task,
        List<String> finetuningTasks,
        String license,
        List<String> tags,
        String library,
        String architecture,
        String samples,
        String sourceType,
        String sourceRepo,
        String sourceRevision) {
}
