package io.modelcat.runner.task;

import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.arch.ArchitectureFamily;
import io.modelcat.ml.arch.Seq2SeqFamily;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The runner's recipe for each task the registry lets run; {@code TaskRecipesTest} keeps the two in step. */
public final class TaskRecipes {

    private static final Map<Task, TaskRecipe> RECIPES = new EnumMap<>(Task.class);

    static {
        for (TaskRecipe recipe : List.of(new TextClassificationRecipe(), new TokenClassificationRecipe(),
                new TextGenerationRecipe(), new QuestionAnsweringRecipe(), new FillMaskRecipe())) {
            RECIPES.put(recipe.task(), recipe);
        }
    }

    private static final Map<Task, TextToTextTask> TEXT_TO_TEXT = new EnumMap<>(Task.class);

    static {
        for (TextToTextTask recipe : List.of(TextToTextRecipe.summarization(), TextToTextRecipe.translation())) {
            TEXT_TO_TEXT.put(recipe.task(), recipe);
        }
    }

    private TaskRecipes() {
    }

    /**
     * The recipe of a task that encoder-decoders do by generating text (summarization, translation), when the
     * registry lets it run {@code kind}; such tasks load their models as {@code TextToTextModel}s, not with a head.
     */
    public static Optional<TextToTextTask> textToText(Task task, JobKind kind) {
        return task.runs(kind) ? Optional.ofNullable(TEXT_TO_TEXT.get(task)) : Optional.empty();
    }

    /** The recipe that reads the task's dataset rows: a text-to-text one or one that evaluates with a head. */
    public static RowReader rows(Task task) {
        return textToText(task, JobKind.EVALUATE).<RowReader>map(recipe -> recipe).orElseGet(() -> evaluated(task));
    }

    /** The recipe for sample inference of {@code task}. */
    public static TaskRecipe predicting(Task task) {
        return find(task, JobKind.PREDICT, TaskRecipe.class);
    }

    /** The recipe for evaluating {@code task}. */
    public static EvaluatedTask evaluated(Task task) {
        return find(task, JobKind.EVALUATE, EvaluatedTask.class);
    }

    /** The recipe for fine-tuning {@code task}. */
    public static TrainedTask trained(Task task) {
        return find(task, JobKind.FINETUNE, TrainedTask.class);
    }

    /** The recipe of {@code task}, if any. */
    static Optional<TaskRecipe> of(Task task) {
        return Optional.ofNullable(RECIPES.get(task));
    }

    /** What the engine can fine-tune a model of this {@code model_type} for, by wire name. */
    public static List<String> fineTunableFor(String modelType) {
        if (modelType != null && Seq2SeqFamily.ofModelType(modelType).isPresent()) {
            // Encoder-decoders generate: every text-to-text task trains the same network, no head to add.
            return Task.running(JobKind.FINETUNE).stream().filter(task -> TEXT_TO_TEXT.containsKey(task))
                    .map(Task::wireName).toList();
        }
        return ArchitectureFamily.ofModelType(modelType).map(family -> Task.running(JobKind.FINETUNE).stream()
                .filter(task -> !TEXT_TO_TEXT.containsKey(task))
                .filter(task -> family.heads().contains(trained(task).head())).map(Task::wireName).toList())
                .orElse(List.of());
    }

    private static <R extends TaskRecipe> R find(Task task, JobKind kind, Class<R> type) {
        TaskRecipe recipe = RECIPES.get(task);
        if (!task.runs(kind) || !type.isInstance(recipe)) {
            if (task.runs(kind) && TEXT_TO_TEXT.containsKey(task)) {
                throw new IllegalArgumentException("'" + task.wireName() + "' is done by encoder-decoders: it has a "
                        + "text-to-text recipe (TaskRecipes.textToText), not a " + type.getSimpleName());
            }
            throw new IllegalArgumentException("this runner cannot " + kind.wireName() + " '" + task.wireName()
                    + "'; it runs " + kind.wireName() + " jobs for " + Task.running(kind).stream().map(Task::wireName).toList());
        }
        return type.cast(recipe);
    }
}
