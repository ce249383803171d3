package io.modelcat.catalog.model;

import java.util.List;

/** The editable content of a model card, already validated. */
public record ModelDraft(
        String name,
        String publisher,
        String description,
        String task,
        List<String> finetuningTasks,
        String license,
        List<String> tags,
        String library,
        String architecture,
        List<ModelSample> samples,
        String sourceType,
        String sourceRepo,
        String sourceRevision) {
}
