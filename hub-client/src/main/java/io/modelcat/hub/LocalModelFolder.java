package io.modelcat.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model folder in the Hub's layout on local disk (an uploaded archive, unpacked), described as the Hub would
 * describe the repository, so that {@link ImportPlan#decide} applies an import's checks to it unchanged.
 */
public final class LocalModelFolder {

    /** The model card's file name. */
    public static final String README = "README.md";

    private static final long MAX_CONFIG_BYTES = 16L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    // What the Hub infers a pipeline_tag from when a card names none: the head in config.json's architectures.
    private static final Map<String, String> HEAD_TASKS = Map.of(
            "ForSequenceClassification", "text-classification",
            "ForTokenClassification", "token-classification",
            "ForQuestionAnswering", "question-answering",
            "ForMaskedLM", "fill-mask",
            "ForCausalLM", "text-generation",
            "LMHeadModel", "text-generation",
            "ForConditionalGeneration", "text2text-generation");

    private LocalModelFolder() {
    }

    /**
     * The Hub's model info for the folder's files.
     *
     * @param id        the repository id the folder will be known by
     * @param commitSha the revision (40 hex) the files make
     * @param folder    where the files are
     * @param files     its files, with sizes and SHA-256 (as LFS info)
     * @param card      its model card, or {@code null} without a README.md
     * @throws HubException UNSUPPORTED when config.json is missing or not a transformers config
     */
    public static ModelInfo describe(ModelId id, String commitSha, Path folder, List<RepoFile> files, ModelCardText card) {
        JsonNode config = config(folder, files);
        String modelType = config.path("model_type").asText(null);
        List<String> architectures = new ArrayList<>();
        config.path("architectures").forEach(a -> {
            if (a.isTextual()) {
                architectures.add(a.asText());
            }
        });
        if (modelType == null || modelType.isBlank()) {
            throw new HubException(HubException.Kind.UNSUPPORTED, ImportPlan.CONFIG + " has no model_type;"
                    + " only Hugging Face transformers models (a config.json as save_pretrained writes it) can be uploaded");
        }
        Optional<String> cardTask = card == null ? Optional.empty() : card.pipelineTag();
        String task = cardTask.orElseGet(() -> inferTask(architectures));
        Set<String> tags = new LinkedHashSet<>();
        if (card != null) {
            tags.addAll(card.tags());
        }
        String license = card == null ? null : card.license().map(l -> l.toLowerCase(Locale.ROOT)).orElse(null);
        String library = card == null ? "transformers" : card.libraryName().orElse("transformers");
        return new ModelInfo(id.repoId(), commitSha, task, List.copyOf(tags), library, license, false, modelType,
                architectures, files);
    }

    /** The task the Hub would infer from the first architecture's head, or {@code null}. */
    static String inferTask(List<String> architectures) {
        if (architectures.isEmpty()) {
            return null;
        }
        String first = architectures.get(0);
        return HEAD_TASKS.entrySet().stream().filter(e -> first.endsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private static JsonNode config(Path folder, List<RepoFile> files) {
        RepoFile file = files.stream().filter(f -> f.rfilename().equals(ImportPlan.CONFIG)).findFirst()
                .orElseThrow(() -> new HubException(HubException.Kind.UNSUPPORTED, "the model has no " + ImportPlan.CONFIG
                        + " at its top level; only Hugging Face transformers models (as save_pretrained writes them) can be uploaded"));
        if (file.knownSize().orElse(0) > MAX_CONFIG_BYTES) {
            throw new HubException(HubException.Kind.UNSUPPORTED, ImportPlan.CONFIG + " is larger than 16 MiB");
        }
        try {
            JsonNode node = JSON.readTree(Files.readAllBytes(HubPaths.resolveInside(folder, file.rfilename())));
            if (node == null || !node.isObject()) {
                throw new HubException(HubException.Kind.UNSUPPORTED, ImportPlan.CONFIG + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new HubException(HubException.Kind.UNSUPPORTED, ImportPlan.CONFIG + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
