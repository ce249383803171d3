package io.modelcat.hub;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Hub says about a model repository at one commit ({@code GET /api/models/{repo_id}}).
 *
 * @param id          the repository id as the Hub spells it
 * @param sha         the commit the answer describes (40 hex)
 * @param pipelineTag the task, e.g. {@code text-classification}, or {@code null}
 * @param tags        the repository's tags
 * @param libraryName e.g. {@code transformers}, or {@code null}
 * @param license     from {@code cardData.license}, else from a {@code license:xxx} tag, else {@code null}
 * @param gated       whether users must accept conditions before downloading files
 * @param modelType     {@code config.model_type}, e.g. {@code bert}, or {@code null}
 * @param architectures {@code config.architectures}, e.g. {@code BertForSequenceClassification}
 * @param siblings    the repository's files
 */
public record ModelInfo(
        String id,
        String sha,
        String pipelineTag,
        List<String> tags,
        String libraryName,
        String license,
        boolean gated,
        String modelType,
        List<String> architectures,
        List<RepoFile> siblings) {

    public ModelInfo {
        Objects.requireNonNull(id, "id");
        tags = List.copyOf(tags);
        architectures = List.copyOf(architectures);
        siblings = List.copyOf(siblings);
    }

    public Optional<RepoFile> file(String rfilename) {
        return siblings.stream().filter(f -> f.rfilename().equals(rfilename)).findFirst();
    }

    public boolean hasFile(String rfilename) {
        return file(rfilename).isPresent();
    }
}
