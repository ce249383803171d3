package io.modelcat.jobs.task;

import static io.modelcat.jobs.JobKind.EVALUATE;
import static io.modelcat.jobs.JobKind.FINETUNE;
import static io.modelcat.jobs.JobKind.PREDICT;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.modelcat.datasets.TaskSchema;
import io.modelcat.jobs.JobKind;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one registry of tasks, by their Hugging Face pipeline names: what the catalog lists on cards, which
 * job kinds the engine runs for each, the dataset inputs a job maps columns to (the {@link TaskSchema}),
 * the metrics an evaluation produces with their direction, and the metric that early stopping watches.
 * Runners pair each runnable task with a recipe; the API serves this registry at {@code /api/v1/tasks}
 * and the UI reads it from there.
 */
public enum Task {
    TEXT_CLASSIFICATION("text-classification", "Text classification", Set.of(EVALUATE, FINETUNE, PREDICT),
            List.of(Metric.higher("accuracy", "Accuracy", "share of rows whose predicted label is the true one"),
                    Metric.higher("precision_macro", "Precision (macro)",
                            "precision per class, averaged over the classes that occur"),
                    Metric.higher("recall_macro", "Recall (macro)", "recall per class, averaged over the classes that occur"),
                    Metric.higher("f1_macro", "F1 (macro)", "F1 per class, averaged over the classes that occur"),
                    Metric.higher("f1_micro", "F1 (micro)", "F1 over all rows together (equals accuracy)"),
                    Metric.higher("f1_weighted", "F1 (weighted)", "F1 per class, averaged weighted by the class's rows")),
            "f1_macro", List.of(PredictInput.required("text", "the text to classify"), PredictInput.optional("text2", "a second text, for models of sentence pairs"))),
    TOKEN_CLASSIFICATION("token-classification", "Token classification", Set.of(EVALUATE, FINETUNE, PREDICT),
            List.of(Metric.higher("precision", "Entity precision", "share of predicted entities that are right (seqeval)"),
                    Metric.higher("recall", "Entity recall", "share of true entities found (seqeval)"),
                    Metric.higher("f1", "Entity F1", "harmonic mean of entity precision and recall (seqeval)"),
                    Metric.higher("token_accuracy", "Token accuracy", "share of words whose tag is right")),
            "f1", List.of(PredictInput.required("text", "a sentence; its words are tagged"))),
    QUESTION_ANSWERING("question-answering", "Question answering", Set.of(EVALUATE, FINETUNE, PREDICT),
            List.of(Metric.higher("exact_match", "Exact match", "share of questions whose predicted answer equals a gold "
                            + "answer after SQuAD's normalisation"),
                    Metric.higher("f1", "F1", "token F1 of the predicted answer against the best gold answer, averaged")),
            "f1",
            List.of(PredictInput.required("question", "the question"),
                    PredictInput.required("context", "the passage that holds the answer"))),
    FILL_MASK("fill-mask", "Fill mask", Set.of(PREDICT), List.of(), null,
            List.of(PredictInput.required("text", "a text with the model's mask token, e.g. [MASK] or <mask>"))),
    SUMMARIZATION("summarization", "Summarization", Set.of(EVALUATE, FINETUNE, PREDICT), generatedTextMetrics(), "rougeL",
            List.of(PredictInput.required("text", "the document to summarize"))),
    TRANSLATION("translation", "Translation", Set.of(EVALUATE, FINETUNE, PREDICT), generatedTextMetrics(), "bleu",
            List.of(PredictInput.required("text", "the text to translate"),
                    PredictInput.optional("sourceLanguage", "its language code (e.g. en), for models that translate "
                            + "several ways (T5's task prefixes)"),
                    PredictInput.optional("targetLanguage", "the language code to translate to (e.g. de)"))),
    TEXT_GENERATION("text-generation", "Text generation", Set.of(EVALUATE, FINETUNE, PREDICT),
            List.of(Metric.lower("perplexity", "Perplexity", "exp of the mean negative log-likelihood per token"),
                    Metric.lower("loss", "Loss", "mean negative log-likelihood per predicted token"),
                    Metric.higher("exact_match", "Exact match",
                            "share of prompts whose greedy completion equals the ground truth (with ground_truth mapped; the first 100)")),
            "loss", List.of(PredictInput.required("text", "the prompt to continue")));

    /** What an evaluation of generated text (summaries, translations) records against the references. */
    private static List<Metric> generatedTextMetrics() {
        return List.of(Metric.higher("rouge1", "ROUGE-1", "unigram F1 against the reference, averaged over rows "
                        + "(rouge_score's tokens, no stemming)"),
                Metric.higher("rouge2", "ROUGE-2", "bigram F1 against the reference, averaged over rows"),
                Metric.higher("rougeL", "ROUGE-L", "longest-common-subsequence F1 against the reference, averaged over rows"),
                Metric.higher("bleu", "BLEU", "corpus BLEU over 13a tokens, as a fraction (sacreBLEU's score / 100)"),
                Metric.lower("gen_len", "Generation length", "mean tokens generated per row, the end token included; "
                        + "read it beside ROUGE and BLEU: shorter is better only at equal scores"));
    }

    private final String wireName;
    private final String title;
    private final Set<JobKind> jobKinds;
    private final List<Metric> metrics;
    private final String earlyStoppingMetric;
    private final List<PredictInput> predictInputs;

    Task(String wireName, String title, Set<JobKind> jobKinds, List<Metric> metrics, String earlyStoppingMetric,
         List<PredictInput> predictInputs) {
        this.wireName = wireName;
        this.title = title;
        this.jobKinds = jobKinds;
        this.metrics = metrics;
        this.earlyStoppingMetric = earlyStoppingMetric;
        this.predictInputs = predictInputs;
    }

    /**
     * Whether online endpoints (deployments) serve this task: every task with sample inference, since a deployment
     * runs the recipe that "Try it" and batch endpoints run.
     */
    public boolean servedByEndpoints() {
        return runs(PREDICT);
    }

    /** What sample inference of this task takes; empty when the engine cannot run it. */
    public List<PredictInput> predictInputs() {
        return predictInputs;
    }

    /** The name in the API, the database and the Hub, e.g. {@code text-classification}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    public String title() {
        return title;
    }

    /** The job kinds the engine runs for this task: evaluate, finetune, predict (sample inference). */
    public Set<JobKind> jobKinds() {
        return jobKinds;
    }

    public boolean runs(JobKind kind) {
        return jobKinds.contains(kind);
    }

    /** What an evaluation of this task records, in display order; empty when the engine cannot evaluate it. */
    public List<Metric> metrics() {
        return metrics;
    }

    /** The metric early stopping and "best epoch" watch on the validation data. */
    public Optional<Metric> earlyStoppingMetric() {
        return earlyStoppingMetric == null ? Optional.empty() : metric(earlyStoppingMetric);
    }

    public Optional<Metric> metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The inputs a job of this task reads from a dataset. */
    public TaskSchema schema() {
        return TaskSchema.forTask(wireName).orElseThrow();
    }

    @JsonCreator
    public static Task fromJson(String wireName) {
        return fromWireName(wireName).orElseThrow(() -> new IllegalArgumentException("unknown task '" + wireName
                + "'; expected one of " + String.join(", ", wireNames())));
    }

    public static Optional<Task> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    /** All wire names, in a stable order, for error messages and facets. */
    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Task::wireName).toList();
    }

    /** The tasks the engine runs jobs of {@code kind} for. */
    public static List<Task> running(JobKind kind) {
        return Arrays.stream(values()).filter(t -> t.runs(kind)).toList();
    }

    /**
     * Which way {@code metric} improves, looked up over every task's metrics and the training series; empty
     * for a name nothing records.
     */
    public static Optional<Direction> directionOf(String metric) {
        return Stream.concat(Arrays.stream(values()).flatMap(t -> t.metrics.stream()), TrainingSeries.ALL.stream())
                .filter(m -> m.name().equals(metric)).map(Metric::direction).findFirst();
    }
}
