package io.modelcat.jobs.flow;

import io.modelcat.jobs.spec.SpecError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One evaluation method applied to a bulk test's rows (docs/flows.md): compares a flow output with a dataset column
 * of ground truth, or has an LLM judge each row.
 *
 * @param method      one of {@link #METHODS}
 * @param output      the flow output evaluated: a step's name or {@code output} (the default)
 * @param groundTruth the dataset column holding the expected answer (required except for {@code llm-judge})
 * @param model       {@code llm-judge}: the judge; {@code embedding-similarity}: the embedding model;
 *                    {@code <connection>/<model>} both
 * @param aspect      {@code llm-judge}: relevance, groundedness, coherence or fluency (names the metric and picks the
 *                    default rubric)
 * @param rubric      {@code llm-judge}: the prompt template (Jinja) the judge answers with a score from 1 to 5 (what
 *                    it sees: {@link JudgeRubrics#values}); null: the aspect's default
 */
public record EvaluationMethod(String method, String output, String groundTruth, String model, String aspect,
                               String rubric) {

    public static final String EXACT_MATCH = "exact-match";
    public static final String CLASSIFICATION = "classification";
    public static final String TOKEN_F1 = "token-f1";
    public static final String ROUGE = "rouge";
    public static final String BLEU = "bleu";
    public static final String EMBEDDING_SIMILARITY = "embedding-similarity";
    public static final String LLM_JUDGE = "llm-judge";
    public static final List<String> METHODS = List.of(EXACT_MATCH, CLASSIFICATION, TOKEN_F1, ROUGE, BLEU,
            EMBEDDING_SIMILARITY, LLM_JUDGE);
    // EvaluationCatalog describes each of them for the API and the UI.

    /** Whether the method calls a model through the mesh (and so needs {@link #model}). */
    public boolean needsModel() {
        return LLM_JUDGE.equals(method) || EMBEDDING_SIMILARITY.equals(method);
    }

    /** The evaluated output's name, {@code output} when none is given. */
    public String outputOrDefault() {
        return output == null || output.isBlank() ? Flow.OUTPUT : output;
    }

    /** The rubric the judge gets. */
    public String rubricOrDefault() {
        return rubric != null && !rubric.isBlank() ? rubric : JudgeRubrics.defaultFor(aspect);
    }

    /** What metric names this method writes, prefixed by the evaluated output unless it is {@code output}. */
    public String prefix() {
        return Flow.OUTPUT.equals(outputOrDefault()) ? "" : outputOrDefault() + ".";
    }

    /** Everything wrong, named under {@code prefix}; {@code columns} are the dataset's columns (null: unknown). */
    public List<SpecError> problems(String prefix, Flow flow, Set<String> columns) {
        List<SpecError> errors = new ArrayList<>();
        if (method == null || !METHODS.contains(method)) {
            errors.add(new SpecError(prefix + "method", (method == null ? "is required" : "'" + method
                    + "' is not an evaluation method") + "; expected one of " + String.join(", ", METHODS)));
            return errors;
        }
        String out = outputOrDefault();
        if (!Flow.OUTPUT.equals(out) && flow.step(out).isEmpty()) {
            errors.add(new SpecError(prefix + "output", "'" + out + "' is neither 'output' nor a step of the flow"));
        }
        boolean judge = LLM_JUDGE.equals(method);
        if (!judge && (groundTruth == null || groundTruth.isBlank())) {
            errors.add(new SpecError(prefix + "groundTruth", "is required for " + method
                    + ": the dataset column holding the expected answer"));
        } else if (groundTruth != null && columns != null && !columns.contains(groundTruth)) {
            errors.add(new SpecError(prefix + "groundTruth", "the dataset has no column '" + groundTruth
                    + "'; its columns: " + String.join(", ", new java.util.TreeSet<>(columns))));
        }
        if (needsModel()) {
            if (model == null || model.indexOf('/') <= 0) {
                errors.add(new SpecError(prefix + "model", "is required for " + method + ": "
                        + (judge ? "the judge's" : "the embedding model's") + " '<connection>/<model>'"));
            }
        } else if (model != null) {
            errors.add(new SpecError(prefix + "model", "applies only to llm-judge and embedding-similarity"));
        }
        if (judge) {
            if (aspect == null || !JudgeRubrics.ASPECTS.contains(aspect)) {
                errors.add(new SpecError(prefix + "aspect", (aspect == null ? "is required for llm-judge" : "'" + aspect
                        + "' is not an aspect") + "; expected one of " + String.join(", ", JudgeRubrics.ASPECTS)));
            }
            if (rubric != null && !rubric.isBlank()) {
                Map<String, String> inputs = new java.util.LinkedHashMap<>();
                flow.inputs().forEach(i -> inputs.put(i, "sample " + i));
                Map<String, String> outputs = new java.util.LinkedHashMap<>();
                flow.steps().forEach(s -> outputs.put(s.name(), "sample " + s.name()));
                outputs.put(Flow.OUTPUT, "sample output");
                errors.addAll(FlowTemplates.problems(prefix + "rubric", rubric,
                        JudgeRubrics.values(inputs, outputs, "sample answer", "sample ground truth")));
            }
        } else {
            if (aspect != null) {
                errors.add(new SpecError(prefix + "aspect", "applies only to llm-judge"));
            }
            if (rubric != null) {
                errors.add(new SpecError(prefix + "rubric", "applies only to llm-judge"));
            }
        }
        return errors;
    }
}
