package io.modelcat.jobs.task;

import io.modelcat.jobs.JobKind;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which tasks the engine fine-tunes for a {@code config.json}'s {@code model_type}: what catalog-service writes on the
 * card of an uploaded model without loading the engine. The runners compute the same from the engine's architecture
 * families and task heads ({@code TaskRecipes.fineTunableFor}); {@code TaskRecipesTest} fails when the two disagree.
 */
public final class FineTunableArchitectures {

    private static final Set<Task> ENCODER = Set.of(Task.TEXT_CLASSIFICATION, Task.TOKEN_CLASSIFICATION,
            Task.QUESTION_ANSWERING);
    private static final Set<Task> DECODER = Set.of(Task.TEXT_GENERATION);
    private static final Set<Task> ENCODER_DECODER = Set.of(Task.SUMMARIZATION, Task.TRANSLATION);

    private static final Map<String, Set<Task>> BY_MODEL_TYPE = Map.ofEntries(
            Map.entry("bert", ENCODER),
            Map.entry("roberta", ENCODER),
            Map.entry("distilbert", ENCODER),
            Map.entry("gpt2", Set.of(Task.QUESTION_ANSWERING, Task.TEXT_GENERATION)),
            Map.entry("llama", DECODER),
            Map.entry("mistral", DECODER),
            Map.entry("qwen2", DECODER),
            Map.entry("qwen3", DECODER),
            Map.entry("t5", ENCODER_DECODER),
            Map.entry("bart", ENCODER_DECODER),
            Map.entry("marian", ENCODER_DECODER));

    private FineTunableArchitectures() {
    }

    /** The model types the engine runs, lower case. */
    public static Set<String> modelTypes() {
        return BY_MODEL_TYPE.keySet();
    }

    /** The wire names of the tasks the engine fine-tunes for {@code modelType}, in the registry's order; empty when none. */
    public static List<String> tasksFor(String modelType) {
        Set<Task> tasks = modelType == null ? Set.of() : BY_MODEL_TYPE.getOrDefault(modelType.toLowerCase(Locale.ROOT), Set.of());
        return Task.running(JobKind.FINETUNE).stream().filter(tasks::contains).map(Task::wireName).toList();
    }
}
