package io.modelcat.catalog.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.catalog.dataset.DatasetRepository;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelRepository;
import io.modelcat.catalog.model.ModelSummary;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.jobs.task.Metric;
import io.modelcat.jobs.task.Task;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code README.md} model card the Hub API serves for a version fine-tuned in ModelCat whose folder has none: YAML
 * front matter as the Hub reads it (license, pipeline_tag, tags, base_model, datasets, and the test metrics in the
 * Hub's {@code model-index} form), then the card's description and how the version was made. A LoRA adapter's card
 * is a PEFT repository's: {@code library_name: peft}, its base model, and the tags {@code peft} gives its cards.
 */
@Singleton
public class FineTuneModelCard {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelRepository models;
    private final DatasetRepository datasets;
    private final JobService jobs;

    public FineTuneModelCard(ModelRepository models, DatasetRepository datasets, JobService jobs) {
        this.models = models;
        this.datasets = datasets;
        this.jobs = jobs;
    }

    /**
     * The card of {@code version} of {@code repoId}, when it was registered from a fine-tune job.
     *
     * @param adapter the version's base when it is a LoRA adapter, else {@code null}
     */
    public Optional<String> of(String repoId, ModelCard card, ModelVersion version, PeftAdapter adapter) {
        Map<String, Object> lineage = version.lineage() == null ? Map.of() : version.lineage();
        if (!(lineage.get("jobId") instanceof String jobId)) {
            return Optional.empty();
        }
        Optional<String> base = adapter != null && adapter.baseRepoId() != null ? Optional.of(adapter.baseRepoId())
                : baseModel(jobId).map(HubCatalog::repoIdOf);
        List<String> trainedOn = new ArrayList<>();
        for (String key : List.of("trainDatasetId", "validationDatasetId", "testDatasetId")) {
            datasetName(lineage.get(key)).filter(n -> !trainedOn.contains(n)).ifPresent(trainedOn::add);
        }
        Optional<String> testData = datasetName(lineage.get("testDatasetId")).or(() -> datasetName(lineage.get("trainDatasetId")));

        ModelSummary model = card.summary();
        StringBuilder yaml = new StringBuilder("---\n");
        // Scalars are written as JSON strings and numbers, which YAML reads as the same values.
        yaml.append("license: ").append(json(model.license())).append('\n');
        String library = adapter != null ? "peft" : model.library() == null ? "transformers" : model.library();
        yaml.append("library_name: ").append(json(library)).append('\n');
        yaml.append("pipeline_tag: ").append(json(model.task())).append('\n');
        base.ifPresent(b -> yaml.append("base_model: ").append(json(b)).append('\n'));
        if (!trainedOn.isEmpty()) {
            yaml.append("datasets:\n");
            trainedOn.forEach(d -> yaml.append("- ").append(json(d)).append('\n'));
        }
        yaml.append("tags:\n");
        for (String tag : tags(model, adapter != null, base)) {
            yaml.append("- ").append(json(tag)).append('\n');
        }
        Map<String, Object> metrics = lineage.get("metrics") instanceof Map<?, ?> m ? cast(m) : Map.of();
        if (!metrics.isEmpty()) {
            Task task = Task.fromWireName(model.task()).orElse(null);
            yaml.append("model-index:\n- name: ").append(json(repoId.substring(repoId.indexOf('/') + 1))).append('\n');
            yaml.append("  results:\n  - task:\n      type: ").append(json(model.task())).append('\n');
            if (task != null) {
                yaml.append("      name: ").append(json(task.title())).append('\n');
            }
            String dataset = testData.orElse("held-out rows of the training data");
            yaml.append("    dataset:\n      name: ").append(json(dataset)).append("\n      type: ").append(json(dataset))
                    .append("\n      split: \"test\"\n    metrics:\n");
            for (Map.Entry<String, Object> metric : metrics.entrySet()) {
                if (!(metric.getValue() instanceof Number value)) {
                    continue;
                }
                yaml.append("    - type: ").append(json(metric.getKey())).append('\n');
                yaml.append("      value: ").append(value).append('\n');
                yaml.append("      name: ").append(json(title(task, metric.getKey()))).append('\n');
            }
        }
        yaml.append("---\n\n");

        StringBuilder text = new StringBuilder(yaml);
        text.append("# ").append(model.name()).append("\n\n");
        if (card.description() != null && !card.description().isBlank()) {
            text.append(card.description().strip()).append("\n\n");
        }
        text.append("Version ").append(version.versionNumber()).append(", fine-tuned in ModelCat for ").append(model.task())
                .append(base.map(b -> " from " + b).orElse(""))
                .append(adapter == null ? "" : " as a LoRA adapter")
                .append(" by job `").append(jobId).append("`")
                .append(trainedOn.isEmpty() ? "" : " on " + String.join(", ", trainedOn)).append(".\n");
        if (lineage.get("hyperparameters") instanceof Map<?, ?> hyperparameters && !hyperparameters.isEmpty()) {
            text.append("\nHyperparameters: ").append(json(hyperparameters)).append("\n");
        }
        if (adapter != null && base.isPresent()) {
            text.append("\nA PEFT repository: `adapter_config.json` names the base model `").append(base.get())
                    .append("` at the version the adapter was trained on (`revision`), and `peft` loads both from this")
                    .append(" Hub:\n\n```python\n").append(HubPython.loading(model.task(), repoId, true)).append("```\n");
        } else if (adapter != null) {
            text.append("\nA LoRA adapter whose base model is no longer in the catalog.\n");
        }
        return Optional.of(text.toString());
    }

    private Optional<ModelCard> baseModel(String jobId) {
        try {
            UUID baseId = jobs.get(UUID.fromString(jobId)).modelId();
            return baseId == null ? Optional.empty() : models.find(baseId);
        } catch (NotFoundException | IllegalArgumentException e) {
            return Optional.empty(); // the job is gone: the card says what the lineage still knows
        }
    }

    private Optional<String> datasetName(Object id) {
        if (!(id instanceof String text)) {
            return Optional.empty();
        }
        try {
            return datasets.find(UUID.fromString(text)).map(d -> d.name());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The card's tags and ModelCat's; for an adapter, those {@code peft} gives its cards. */
    private static List<String> tags(ModelSummary model, boolean adapter, Optional<String> base) {
        List<String> tags = new ArrayList<>(model.tags());
        List<String> ours = new ArrayList<>(List.of("modelcat", "fine-tuned"));
        if (adapter) {
            base.ifPresent(b -> ours.add("base_model:adapter:" + b));
            ours.addAll(List.of("lora", "peft"));
        }
        for (String tag : ours) {
            if (!tags.contains(tag)) {
                tags.add(tag);
            }
        }
        return tags;
    }

    private static String title(Task task, String metric) {
        return task == null ? metric : task.metrics().stream().filter(m -> m.name().equals(metric)).map(Metric::title)
                .findFirst().orElse(metric);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return new LinkedHashMap<>((Map<String, Object>) map);
    }

    /** The value as JSON text: YAML reads a JSON scalar as the same value, and Python a JSON string as the same string. */
    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
