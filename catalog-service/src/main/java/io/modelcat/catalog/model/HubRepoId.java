package io.modelcat.catalog.model;

/**
 * The repository id a model has under the Hub API ({@code /hub}): an imported or uploaded model's own repository id
 * ({@code acme/tiny-sentiment}; a legacy id without an owner, {@code gpt2}, as {@code modelcat/gpt2}), any other
 * model's {@code modelcat/<name>}, its name made a Hub name by {@link #slug}.
 */
public final class HubRepoId {

    /** The namespace of models that have no repository id of their own. */
    public static final String NAMESPACE = "modelcat";

    private HubRepoId() {
    }

    public static String of(String sourceType, String sourceRepo, String name) {
        if (sourceRepo != null && ("huggingface".equals(sourceType) || "upload".equals(sourceType))) {
            return sourceRepo.contains("/") ? sourceRepo : NAMESPACE + "/" + sourceRepo;
        }
        return NAMESPACE + "/" + slug(name);
    }

    /** The name as a Hub name: runs of other characters than letters, digits, '.' and '_' become one '-'; no '-' or '.' at the ends. */
    public static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9._]+", "-").replaceAll("^[-.]+|[-.]+$", "");
    }
}
