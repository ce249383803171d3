package io.modelcat.runner.bulk;

import io.modelcat.jobs.flow.ChatModel;
import io.modelcat.jobs.flow.EvaluationMethod;
import io.modelcat.jobs.flow.FlowTemplates;
import io.modelcat.jobs.flow.JudgeRubrics;
import io.modelcat.jobs.spec.BulkTestResult;
import io.modelcat.jobs.spec.ChatMessage;
import io.modelcat.ml.metrics.BleuScore;
import io.modelcat.ml.metrics.ClassificationReport;
import io.modelcat.ml.metrics.RougeScores;
import io.modelcat.ml.metrics.SquadScores;
import io.modelcat.store.flow.BulkTests.AnswerRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Applies evaluation methods to one run's answered rows: each row's scores and the run's metrics (docs/flows.md).
 * Rows that failed, and rows without a ground truth where one is needed, are left out of a method's metrics.
 */
final class BulkEvaluations {

    /** What evaluating a run gave: the metrics, confusion matrices and each row's scores by row number. */
    record Evaluated(Map<String, Double> metrics, Map<String, BulkTestResult.Confusion> confusion,
                     Map<Integer, Map<String, Double>> scores) {
    }

    /** Texts sent in one embeddings call. */
    private static final int EMBEDDED_AT_ONCE = 64;

    private final List<EvaluationMethod> methods;
    private final ChatModel llm;
    private final ExecutorService pool;

    /**
     * @param llm the mesh, for judges' chats and embeddings
     */
    BulkEvaluations(List<EvaluationMethod> methods, ChatModel llm, ExecutorService pool) {
        this.methods = methods;
        this.llm = llm;
        this.pool = pool;
    }

    /**
     * @param truths each dataset column's value by row number (the columns the methods name)
     */
    Evaluated evaluate(List<AnswerRow> rows, Map<String, Map<Integer, String>> truths) throws InterruptedException {
        Map<String, Double> metrics = new TreeMap<>();
        Map<String, BulkTestResult.Confusion> confusion = new TreeMap<>();
        Map<Integer, Map<String, Double>> scores = new TreeMap<>();
        rows.forEach(r -> scores.put(r.rowNumber(), new TreeMap<>()));
        for (EvaluationMethod method : methods) {
            String prefix = method.prefix();
            List<AnswerRow> answered = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            Map<Integer, String> truth = method.groundTruth() == null ? Map.of()
                    : truths.getOrDefault(method.groundTruth(), Map.of());
            for (AnswerRow row : rows) {
                String output = row.error() == null ? row.outputs().get(method.outputOrDefault()) : null;
                String gold = truth.get(row.rowNumber());
                if (output == null || method.groundTruth() != null && gold == null) {
                    continue;
                }
                answered.add(row);
                outputs.add(output);
                expected.add(gold);
            }
            metrics.put(prefix + method.method().replace('-', '_') + "_rows", (double) answered.size());
            if (answered.isEmpty()) {
                continue;
            }
            switch (method.method()) {
                case EvaluationMethod.EXACT_MATCH -> {
                    double sum = 0;
                    for (int i = 0; i < answered.size(); i++) {
                        double hit = same(outputs.get(i), expected.get(i)) ? 1 : 0;
                        scores.get(answered.get(i).rowNumber()).put(prefix + "exact_match", hit);
                        sum += hit;
                    }
                    metrics.put(prefix + "exact_match", sum / answered.size());
                }
                case EvaluationMethod.CLASSIFICATION -> {
                    TreeSet<String> labelSet = new TreeSet<>();
                    outputs.forEach(o -> labelSet.add(o.trim()));
                    expected.forEach(e -> labelSet.add(e.trim()));
                    List<String> labels = List.copyOf(labelSet);
                    int[] actual = new int[answered.size()];
                    int[] predicted = new int[answered.size()];
                    for (int i = 0; i < answered.size(); i++) {
                        actual[i] = labels.indexOf(expected.get(i).trim());
                        predicted[i] = labels.indexOf(outputs.get(i).trim());
                        scores.get(answered.get(i).rowNumber()).put(prefix + "correct", actual[i] == predicted[i] ? 1.0 : 0.0);
                    }
                    ClassificationReport report = ClassificationReport.of(actual, predicted, labels);
                    metrics.put(prefix + "accuracy", report.accuracy());
                    metrics.put(prefix + "precision_macro", report.macro().precision());
                    metrics.put(prefix + "recall_macro", report.macro().recall());
                    metrics.put(prefix + "f1_macro", report.macro().f1());
                    long[][] counts = new long[labels.size()][labels.size()];
                    for (int i = 0; i < actual.length; i++) {
                        counts[actual[i]][predicted[i]]++;
                    }
                    confusion.put(prefix.isEmpty() ? "output" : prefix.substring(0, prefix.length() - 1),
                            new BulkTestResult.Confusion(labels, counts));
                }
                case EvaluationMethod.TOKEN_F1 -> {
                    double sum = 0;
                    for (int i = 0; i < answered.size(); i++) {
                        double f1 = SquadScores.f1(outputs.get(i), expected.get(i));
                        scores.get(answered.get(i).rowNumber()).put(prefix + "token_f1", f1);
                        sum += f1;
                    }
                    metrics.put(prefix + "token_f1", sum / answered.size());
                }
                case EvaluationMethod.ROUGE -> {
                    RougeScores all = RougeScores.of(outputs, expected);
                    metrics.put(prefix + "rouge1", all.rouge1());
                    metrics.put(prefix + "rouge2", all.rouge2());
                    metrics.put(prefix + "rougeL", all.rougeL());
                    for (int i = 0; i < answered.size(); i++) {
                        scores.get(answered.get(i).rowNumber()).put(prefix + "rougeL",
                                RougeScores.of(List.of(outputs.get(i)), List.of(expected.get(i))).rougeL());
                    }
                }
                case EvaluationMethod.BLEU -> metrics.put(prefix + "bleu",
                        BleuScore.of(outputs, expected.stream().map(List::of).toList()).bleu());
                case EvaluationMethod.EMBEDDING_SIMILARITY -> similarity(method, answered, outputs, expected, metrics,
                        scores);
                case EvaluationMethod.LLM_JUDGE -> judge(method, answered, outputs, expected, truth, metrics, scores);
                default -> throw new IllegalStateException("no evaluation method " + method.method());
            }
        }
        return new Evaluated(metrics, confusion, scores);
    }

    private void judge(EvaluationMethod method, List<AnswerRow> rows, List<String> outputs, List<String> expected,
                       Map<Integer, String> truth, Map<String, Double> metrics, Map<Integer, Map<String, Double>> scores)
            throws InterruptedException {
        String name = method.prefix() + method.aspect();
        List<Future<Double>> verdicts = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            AnswerRow row = rows.get(i);
            String answer = outputs.get(i);
            String gold = expected.get(i);
            verdicts.add(pool.submit(() -> {
                String prompt = FlowTemplates.render(method.rubricOrDefault(),
                        JudgeRubrics.values(row.inputs(), row.outputs(), answer, gold));
                try {
                    ChatModel.Reply reply = llm.chat(method.model(), List.of(new ChatMessage("user", prompt)), 0.0, 10);
                    return JudgeRubrics.score(reply.text()).map(Integer::doubleValue).orElse(null);
                } catch (ChatModel.LlmCallFailed e) {
                    return null;
                }
            }));
        }
        double sum = 0;
        int judged = 0;
        for (int i = 0; i < rows.size(); i++) {
            Double score;
            try {
                score = verdicts.get(i).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure; // the mesh itself failed (unreachable, refusing the runner): not the row's score
                }
                score = null;
            }
            if (score != null) {
                scores.get(rows.get(i).rowNumber()).put(name, score);
                sum += score;
                judged++;
            }
        }
        metrics.put(name + "_rows", (double) judged);
        metrics.remove(method.prefix() + "llm_judge_rows");
        if (judged > 0) {
            metrics.put(name, sum / judged);
        }
    }

    /**
     * Each row's cosine similarity of its output's and its ground truth's embeddings, asked for in batches of
     * {@link #EMBEDDED_AT_ONCE} texts; a batch the mesh cannot embed leaves its rows unscored.
     */
    private void similarity(EvaluationMethod method, List<AnswerRow> rows, List<String> outputs, List<String> expected,
                            Map<String, Double> metrics, Map<Integer, Map<String, Double>> scores) {
        String name = method.prefix() + "embedding_similarity";
        int pairsAtOnce = EMBEDDED_AT_ONCE / 2;
        double sum = 0;
        int scored = 0;
        for (int from = 0; from < rows.size(); from += pairsAtOnce) {
            int to = Math.min(rows.size(), from + pairsAtOnce);
            List<String> texts = new ArrayList<>(outputs.subList(from, to));
            texts.addAll(expected.subList(from, to));
            List<double[]> vectors;
            try {
                vectors = llm.embed(method.model(), texts);
            } catch (ChatModel.LlmCallFailed e) {
                continue;
            }
            int pairs = to - from;
            for (int i = 0; i < pairs; i++) {
                double cosine = cosine(vectors.get(i), vectors.get(pairs + i));
                if (Double.isFinite(cosine)) {
                    scores.get(rows.get(from + i).rowNumber()).put(name, cosine);
                    sum += cosine;
                    scored++;
                }
            }
        }
        metrics.put(name + "_rows", (double) scored);
        if (scored > 0) {
            metrics.put(name, sum / scored);
        }
    }

    /** The cosine of two vectors; NaN when they differ in length or one is all zeros. */
    static double cosine(double[] a, double[] b) {
        if (a.length != b.length) {
            return Double.NaN;
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? Double.NaN : dot / (Math.sqrt(na) * Math.sqrt(nb));
    }

    private static boolean same(String output, String expected) {
        return output.trim().toLowerCase(Locale.ROOT).equals(expected.trim().toLowerCase(Locale.ROOT));
    }

    /** The ground-truth columns the methods read. */
    static List<String> truthColumns(List<EvaluationMethod> methods) {
        return methods.stream().map(EvaluationMethod::groundTruth).filter(c -> c != null && !c.isBlank()).distinct().toList();
    }

    static Map<String, Map<Integer, String>> emptyTruths(List<String> columns) {
        Map<String, Map<Integer, String>> truths = new LinkedHashMap<>();
        columns.forEach(c -> truths.put(c, new HashMap<>()));
        return truths;
    }
}
