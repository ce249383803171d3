package io.modelcat.ml.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.infer.LanguageModelScorer;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The engine's metrics against the values that Python's reference libraries compute for the same
 * inputs: scikit-learn, seqeval, torchmetrics' SQuAD, rouge-score, sacrebleu and transformers' GPT-2
 * loss. The inputs and the expected values are in {@code fixtures/metrics/reference-metrics.json},
 * written by {@code reference/metrics_reference.py}; every value must agree to 1e-6. One dynamic
 * test per case, each reporting all of its differences at once.
 */
class ReferenceMetricsTest {

    private static final double TOLERANCE = 1e-6;
    private static final double MODEL_TOLERANCE = 1e-5;

    private static JsonNode reference;

    @BeforeAll
    static void readReference() throws IOException {
        reference = new ObjectMapper().readTree(Fixtures.metricsReference().toFile());
    }

    @Test
    void referenceCoversEveryMetric() {
        assertThat(names(reference)).contains("header", "classification", "entities", "squad", "rouge", "bleu",
                "perplexity");
        for (String section : List.of("classification", "entities", "squad", "rouge", "bleu")) {
            assertThat(reference.get(section).get("cases")).as(section).hasSizeGreaterThan(3);
        }
    }

    @TestFactory
    Stream<DynamicTest> classificationAgreesWithScikitLearn() {
        return cases("classification", (soft, c) -> {
            List<String> labels = strings(c.get("labels"));
            ClassificationReport report = ClassificationReport.of(ints(c.get("actual")), ints(c.get("predicted")), labels);
            JsonNode expected = c.get("expected");
            close(soft, "accuracy", report.accuracy(), expected.get("accuracy"));
            scores(soft, "macro", report.macro(), expected.get("macro"));
            scores(soft, "micro", report.micro(), expected.get("micro"));
            scores(soft, "weighted", report.weighted(), expected.get("weighted"));
            for (ClassScores perClass : report.perClass()) {
                JsonNode want = expected.get("per_class").get(perClass.label());
                scores(soft, perClass.label(), perClass.scores(), want);
                soft.assertThat(perClass.support()).as(perClass.label() + " support").isEqualTo(want.get("support").asLong());
            }
            soft.assertThat(report.perClass()).hasSize(labels.size());
            long[][] matrix = new long[labels.size()][];
            for (int row = 0; row < labels.size(); row++) {
                matrix[row] = longs(expected.get("confusion_matrix").get(row));
            }
            soft.assertThat(report.confusionMatrix().toArray()).as("confusion matrix").isEqualTo(matrix);
        });
    }

    @TestFactory
    Stream<DynamicTest> entitiesAgreeWithSeqeval() {
        return cases("entities", (soft, c) -> {
            EntityReport report = EntityReport.of(tagLists(c.get("actual")), tagLists(c.get("predicted")));
            JsonNode expected = c.get("expected");
            scores(soft, "micro", report.overall(), expected.get("micro"));
            close(soft, "token accuracy", report.tokenAccuracy(), expected.get("token_accuracy"));
            soft.assertThat(report.perType().keySet()).as("entity types")
                    .containsExactlyInAnyOrderElementsOf(names(expected.get("per_type")));
            for (Map.Entry<String, ClassScores> type : report.perType().entrySet()) {
                JsonNode want = expected.get("per_type").get(type.getKey());
                if (want != null) {
                    scores(soft, type.getKey(), type.getValue().scores(), want);
                    soft.assertThat(type.getValue().support()).as(type.getKey() + " support")
                            .isEqualTo(want.get("support").asLong());
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> squadAgreesWithTorchmetrics() {
        return cases("squad", (soft, c) -> {
            List<String> predictions = new ArrayList<>();
            List<List<String>> answers = new ArrayList<>();
            c.get("questions").forEach(question -> {
                predictions.add(question.get("prediction").asText());
                answers.add(strings(question.get("answers")));
            });
            SquadScores scores = SquadScores.of(predictions, answers);
            close(soft, "exact match", scores.exactMatch(), c.get("expected").get("exact_match_percent").asDouble() / 100);
            close(soft, "f1", scores.f1(), c.get("expected").get("f1_percent").asDouble() / 100);
        });
    }

    @TestFactory
    Stream<DynamicTest> squadNormalisationAgreesWithTorchmetrics() {
        return texts(reference.get("squad").get("normalisation"), (soft, c) -> soft
                .assertThat(SquadScores.normalize(c.get("text").asText())).isEqualTo(c.get("expected").asText()));
    }

    @TestFactory
    Stream<DynamicTest> rougeAgreesWithRougeScore() {
        return cases("rouge", (soft, c) -> {
            List<String> predictions = new ArrayList<>();
            List<String> references = new ArrayList<>();
            c.get("pairs").forEach(pair -> {
                predictions.add(pair.get(0).asText());
                references.add(pair.get(1).asText());
            });
            RougeScores scores = RougeScores.of(predictions, references);
            JsonNode means = c.get("expected").get("mean_f1");
            close(soft, "rouge1", scores.rouge1(), means.get("rouge1"));
            close(soft, "rouge2", scores.rouge2(), means.get("rouge2"));
            close(soft, "rougeL", scores.rougeL(), means.get("rougeL"));
            for (int pair = 0; pair < predictions.size(); pair++) {
                List<String> predicted = RougeScores.tokenize(predictions.get(pair));
                List<String> reference = RougeScores.tokenize(references.get(pair));
                JsonNode want = c.get("expected").get("per_pair").get(pair);
                scores(soft, "pair " + pair + " rouge1", RougeScores.nGram(predicted, reference, 1), want.get("rouge1"));
                scores(soft, "pair " + pair + " rouge2", RougeScores.nGram(predicted, reference, 2), want.get("rouge2"));
                scores(soft, "pair " + pair + " rougeL", RougeScores.longestCommonSubsequence(predicted, reference),
                        want.get("rougeL"));
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> rougeTokenisationAgreesWithRougeScore() {
        return texts(reference.get("rouge").get("tokenisation"), (soft, c) -> soft
                .assertThat(RougeScores.tokenize(c.get("text").asText())).isEqualTo(strings(c.get("expected"))));
    }

    @TestFactory
    Stream<DynamicTest> bleuAgreesWithSacrebleu() {
        return cases("bleu", (soft, c) -> {
            List<List<String>> references = new ArrayList<>();
            c.get("references").forEach(forOne -> references.add(strings(forOne)));
            BleuScore score = BleuScore.of(strings(c.get("predictions")), references);
            JsonNode expected = c.get("expected");
            close(soft, "bleu", score.bleu(), expected.get("score_percent").asDouble() / 100);
            for (int order = 0; order < 4; order++) {
                close(soft, "precision " + (order + 1), score.precisions().get(order),
                        expected.get("precisions_percent").get(order).asDouble() / 100);
            }
            close(soft, "brevity penalty", score.brevityPenalty(), expected.get("brevity_penalty"));
            soft.assertThat(score.predictionLength()).as("prediction length")
                    .isEqualTo(expected.get("prediction_length").asLong());
            soft.assertThat(score.referenceLength()).as("reference length")
                    .isEqualTo(expected.get("reference_length").asLong());
        });
    }

    @TestFactory
    Stream<DynamicTest> bleuTokenisationAgreesWithSacrebleu() {
        return texts(reference.get("bleu").get("tokenisation"), (soft, c) -> soft
                .assertThat(BleuScore.tokenize(c.get("text").asText())).isEqualTo(strings(c.get("expected"))));
    }

    @Test
    void perplexityAgreesWithTransformersLoss() throws IOException {
        JsonNode section = reference.get("perplexity");
        int maxLength = section.get("max_length").asInt();
        Path gpt2 = Fixtures.gpt2();
        for (String file : names(section.get("model_sha256"))) {
            assertThat(sha256(gpt2.resolve(file))).as("the reference was computed on another " + file)
                    .isEqualTo(section.get("model_sha256").get(file).asText());
        }
        List<String> texts = new ArrayList<>();
        section.get("texts").forEach(text -> texts.add(text.get("text").asText()));
        SoftAssertions soft = new SoftAssertions();
        try (TransformerModel model = ModelLoader.load(gpt2)) {
            LanguageModelScorer alone = new LanguageModelScorer(model, 1, maxLength);
            for (JsonNode text : section.get("texts")) {
                String what = "'" + text.get("text").asText() + "'";
                TokenizedBatch tokens = model.tokenizer().encodeBatch(List.of(text.get("text").asText()), maxLength);
                soft.assertThat(tokens.inputIds()[0]).as(what + " ids").containsExactly(longs(text.get("ids")));
                LanguageModelScorer.Totals totals = alone.score(List.of(text.get("text").asText()));
                soft.assertThat(totals.tokens()).as(what + " tokens").isEqualTo(text.get("tokens").asLong());
                model(soft, what + " NLL", totals.negativeLogLikelihood(), text.get("negative_log_likelihood"));
                model(soft, what + " perplexity", totals.perplexity(), text.get("perplexity"));
            }
            // Several texts per batch: padding must change nothing.
            LanguageModelScorer.Totals all = new LanguageModelScorer(model, 4, maxLength).score(texts);
            JsonNode expected = section.get("expected");
            soft.assertThat(all.tokens()).as("tokens").isEqualTo(expected.get("tokens").asLong());
            model(soft, "NLL", all.negativeLogLikelihood(), expected.get("negative_log_likelihood"));
            model(soft, "mean NLL", all.meanNegativeLogLikelihood(), expected.get("mean_negative_log_likelihood"));
            model(soft, "perplexity", all.perplexity(), expected.get("perplexity"));
        }
        soft.assertAll();
    }

    private interface CaseCheck {
        void check(SoftAssertions soft, JsonNode testCase);
    }

    private static Stream<DynamicTest> cases(String section, CaseCheck check) {
        return StreamSupport.stream(reference.get(section).get("cases").spliterator(), false)
                .map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                    SoftAssertions soft = new SoftAssertions();
                    check.check(soft, c);
                    soft.assertAll();
                }));
    }

    private static Stream<DynamicTest> texts(JsonNode items, CaseCheck check) {
        return StreamSupport.stream(items.spliterator(), false)
                .map(item -> DynamicTest.dynamicTest(escaped(item.get("text").asText()), () -> {
                    SoftAssertions soft = new SoftAssertions();
                    check.check(soft, item);
                    soft.assertAll();
                }));
    }

    private static void scores(SoftAssertions soft, String what, PrecisionRecallF1 actual, JsonNode expected) {
        close(soft, what + " precision", actual.precision(), expected.get("precision"));
        close(soft, what + " recall", actual.recall(), expected.get("recall"));
        close(soft, what + " f1", actual.f1(), expected.get("f1"));
    }

    private static void close(SoftAssertions soft, String what, double actual, JsonNode expected) {
        close(soft, what, actual, expected.asDouble());
    }

    /**
     * A value computed from a model's float32 outputs: to a relative {@link #MODEL_TOLERANCE}, since another CPU's
     * kernels (with AVX2 or without) round the float32 sums differently in their last bits.
     */
    private static void model(SoftAssertions soft, String what, double actual, JsonNode expected) {
        double value = expected.asDouble();
        soft.assertThat(actual).as(what).isCloseTo(value, within(MODEL_TOLERANCE * Math.max(1, Math.abs(value))));
    }

    private static void close(SoftAssertions soft, String what, double actual, double expected) {
        soft.assertThat(actual).as(what).isCloseTo(expected, within(TOLERANCE));
    }

    /** Test names with invisible characters spelled out, so that a failing input can be read. */
    private static String escaped(String text) {
        StringBuilder name = new StringBuilder("'");
        text.codePoints().forEach(c -> name.append(c >= 0x20 && c < 0x7f || Character.isLetterOrDigit(c)
                ? Character.toString(c) : String.format("\\u%04x", c)));
        return name.append("'").toString();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static List<List<String>> tagLists(JsonNode sentences) {
        List<List<String>> lists = new ArrayList<>();
        sentences.forEach(sentence -> lists.add(strings(sentence)));
        return lists;
    }

    private static int[] ints(JsonNode array) {
        return Arrays.stream(longs(array)).mapToInt(Math::toIntExact).toArray();
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        Iterator<JsonNode> items = array.elements();
        for (int index = 0; items.hasNext(); index++) {
            values[index] = items.next().asLong();
        }
        return values;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
