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

    /**
     * The name as a Hub name: runs of other characters than ASCII letters, digits, '.' and '_' become one '-'; no '-'
     * or '.' at the ends. Every card of a list page is given one, so it is made in one pass (with regular expressions
     * it took a quarter of the catalog service's time on a list page).
     */
    public static String slug(String name) {
        StringBuilder slug = new StringBuilder(name.length());
        boolean gap = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_') {
                if (gap && !slug.isEmpty()) {
                    slug.append('-');
                }
                gap = false;
                slug.append(c);
            } else {
                gap = true;
            }
        }
        int start = 0;
        int end = slug.length();
        while (start < end && (slug.charAt(start) == '.' || slug.charAt(start) == '-')) {
            start++;
        }
        while (end > start && (slug.charAt(end - 1) == '.' || slug.charAt(end - 1) == '-')) {
            end--;
        }
        return slug.substring(start, end);
    }
}
