package io.modelcat.hub;

import java.util.List;
import java.util.Locale;

/**
 * What a model card in the catalog says about an imported or uploaded model, from the Hub's (or the folder's) model
 * info, the import plan and the README's Markdown: the one place both ways in fill a card from.
 *
 * @param modelType {@code config.model_type}, lower case, or empty; the caller adds the tasks the engine fine-tunes for it
 */
public record ImportedCard(String repoId, String name, String publisher, String description, String task, String license,
                           List<String> tags, String library, String architecture, String modelType) {

    private static final int MAX_TAGS = 50;

    public ImportedCard {
        tags = List.copyOf(tags);
    }

    /** The card of {@code id} at the plan's revision; {@code description} is the README without its front matter. */
    public static ImportedCard of(ModelId id, ModelInfo info, ImportPlan plan, String description) {
        String modelType = info.modelType() == null ? "" : info.modelType().toLowerCase(Locale.ROOT);
        // The Hub's tags include machine tags (license:mit, base_model:...); the card keeps the words.
        List<String> tags = info.tags().stream().filter(t -> !t.contains(":")).limit(MAX_TAGS).toList();
        return new ImportedCard(id.repoId(), id.name(), id.owner(), description, plan.pipelineTag(),
                plan.license() == null ? "unknown" : plan.license(), tags, info.libraryName(),
                info.architectures().isEmpty() ? modelType : info.architectures().get(0), modelType);
    }
}
