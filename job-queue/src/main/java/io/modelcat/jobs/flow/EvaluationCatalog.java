package io.modelcat.jobs.flow;

import java.util.List;

/**
 * What the evaluation methods are, for the API and the UI (which keep no list of their own): each method's title,
 * whether it needs a ground-truth column, the metrics it writes (all higher is better) and the judge's aspects with
 * their default rubrics.
 */
public final class EvaluationCatalog {

    private EvaluationCatalog() {
    }

    /**
     * One method.
     *
     * @param metrics the metrics it writes (a judge writes its aspect's name)
     */
    public record Method(String name, String title, String description, boolean needsGroundTruth, boolean needsModel,
                         List<String> metrics) {
    }

    /** A judged aspect and the rubric a judge gets unless another is given. */
    public record Aspect(String name, String defaultRubric) {
    }

    public static final List<Method> METHODS = List.of(
            new Method(EvaluationMethod.EXACT_MATCH, "Exact match", "the output equals the ground truth (trimmed, "
                    + "ignoring case)", true, false, List.of("exact_match")),
            new Method(EvaluationMethod.CLASSIFICATION, "Classification", "accuracy, macro precision, recall and F1, "
                    + "and the confusion matrix", true, false, List.of("accuracy", "precision_macro", "recall_macro",
                    "f1_macro")),
            new Method(EvaluationMethod.TOKEN_F1, "Token F1", "SQuAD's token overlap with the ground truth", true, false,
                    List.of("token_f1")),
            new Method(EvaluationMethod.ROUGE, "ROUGE", "ROUGE-1, ROUGE-2 and ROUGE-L F-measures against the ground truth",
                    true, false, List.of("rouge1", "rouge2", "rougeL")),
            new Method(EvaluationMethod.BLEU, "BLEU", "corpus BLEU against the ground truth", true, false, List.of("bleu")),
            new Method(EvaluationMethod.EMBEDDING_SIMILARITY, "Embedding similarity", "the cosine similarity of the "
                    + "output's and the ground truth's embeddings, from an embedding model through the mesh", true, true,
                    List.of("embedding_similarity")),
            new Method(EvaluationMethod.LLM_JUDGE, "LLM judge", "a model scores each output from 1 to 5 for an aspect, "
                    + "with a rubric you can read and change", false, true, List.of()));

    public static List<Aspect> aspects() {
        return JudgeRubrics.ASPECTS.stream().map(a -> new Aspect(a, JudgeRubrics.defaultFor(a))).toList();
    }
}
