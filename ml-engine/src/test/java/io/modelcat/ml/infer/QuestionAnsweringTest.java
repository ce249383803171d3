package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.metrics.SquadScores;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.ModelSaver;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.tokenize.QuestionContextEncoding;
import io.modelcat.ml.tokenize.TextTokenizer;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.LabeledAnswer;
import io.modelcat.ml.train.QuestionAnsweringBatches;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The qa_outputs head, span decoding with its constraints, character offsets and SQuAD-style training. */
class QuestionAnsweringTest {

    @TempDir
    Path temporary;

    @Test
    void spanDecodingKeepsStartBeforeEndWithinTheContextAndTheLengthLimit() {
        boolean[] all = {true, true, true, true, true};
        // Best start (4) lies after best end (1): the best valid pair wins instead.
        AnswerSpans.Span span = AnswerSpans.best(new float[] {-5, -5, 3, 0, 5}, new float[] {0, 6, 0, 2, -5}, all, 10);
        assertThat(span.startToken()).isLessThanOrEqualTo(span.endToken());
        assertThat(span).extracting(AnswerSpans.Span::startToken, AnswerSpans.Span::endToken).containsExactly(2, 3);

        // Length limit: 1..4 is best but 4 tokens long; with at most 2, 3..4 wins.
        float[] start = {0, 5, 0, 4, 0};
        float[] end = {0, 0, 0, 0, 5};
        assertThat(AnswerSpans.best(start, end, all, 4)).extracting(AnswerSpans.Span::startToken).isEqualTo(1);
        assertThat(AnswerSpans.best(start, end, all, 2))
                .extracting(AnswerSpans.Span::startToken, AnswerSpans.Span::endToken).containsExactly(3, 4);

        // Question tokens are never chosen, and probabilities are normalised over the context.
        boolean[] context = {false, false, true, true, false};
        AnswerSpans.Span inContext = AnswerSpans.best(new float[] {9, 9, 1, 0, 9}, new float[] {9, 9, 0, 1, 9},
                context, 5);
        assertThat(inContext).extracting(AnswerSpans.Span::startToken, AnswerSpans.Span::endToken)
                .containsExactly(2, 3);
        double p = Math.exp(1) / (Math.exp(1) + 1);
        assertThat(inContext.score()).isCloseTo(p * p, within(1e-9));
        assertThat(AnswerSpans.best(new float[2], new float[2], new boolean[2], 3)).isNull();
    }

    @Test
    void contextOffsetsPointIntoTheOriginalContext() {
        Path bert = Fixtures.bertWithPairTemplate(temporary.resolve("bert"));
        try (TextTokenizer tokenizer = TextTokenizer.load(bert.resolve("tokenizer.json"), 0)) {
            String context = "The  Cat, café sat on the MAT.";
            QuestionContextEncoding encoding = tokenizer.encodeQuestionContext("where is the cat?", context, 64);
            // [CLS] where(unk) is the cat ? (unk) [SEP] context... [SEP]
            assertThat(encoding.tokens().inputIds()[0][0]).isEqualTo(2);
            assertThat(encoding.contextToken()[0]).isFalse();
            assertThat(encoding.contextToken()[encoding.length() - 1]).isFalse();
            assertThat(encoding.truncated()).isFalse();
            List<String> pieces = new ArrayList<>();
            for (int position = 0; position < encoding.length(); position++) {
                if (encoding.contextToken()[position]) {
                    pieces.add(context.substring(encoding.contextStart()[position], encoding.contextEnd()[position]));
                    assertThat(encoding.tokens().tokenTypeIds()[0][position]).isEqualTo(1);
                } else {
                    assertThat(encoding.contextStart()[position]).isEqualTo(-1);
                }
            }
            assertThat(pieces).containsExactly("The", "Cat", ",", "café", "sat", "on", "the", "MAT", ".");

            QuestionContextEncoding cut = tokenizer.encodeQuestionContext("where is the cat?", context, 12);
            assertThat(cut.length()).isEqualTo(12);
            assertThat(cut.truncated()).isTrue();
            // Question and both [SEP]s stay; the context loses its end.
            assertThat(cut.tokens().inputIds()[0][11]).isEqualTo(3);
            assertThatThrownBy(() -> tokenizer.encodeQuestionContext("where is the cat?", context, 8))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void answersAreContextSpansWithinTheConstraints() {
        Path bert = Fixtures.bertWithPairTemplate(temporary.resolve("bert"));
        Path saved = temporary.resolve("saved");
        List<String> questions = List.of("where is the cat?", "is it good?", "what sat?");
        List<String> contexts = List.of("The cat sat on the mat, and a dog sat on the cat.", "the movie was good.",
                "a Dog sat on a mat");
        List<QuestionAnswerer.Answer> answers;
        try (TransformerModel model = ModelLoader.load(bert, new HeadRequest(HeadType.QUESTION_ANSWERING, List.of(), 3))) {
            assertThat(model.newlyInitialised()).containsExactlyInAnyOrder("qa_outputs.weight", "qa_outputs.bias");
            assertThat(model.config().architecture()).contains("BertForQuestionAnswering");
            QuestionAnswerer answerer = new QuestionAnswerer(model, 2, 64, 3);
            answers = answerer.answer(questions, contexts);
            for (int index = 0; index < questions.size(); index++) {
                QuestionAnswerer.Answer answer = answers.get(index);
                String context = contexts.get(index);
                assertThat(answer.text()).isEqualTo(context.substring(answer.start(), answer.end())).isNotEmpty();
                assertThat(answer.endToken() - answer.startToken()).isBetween(0, 2);
                assertThat(answer.score()).isBetween(0.0, 1.0);
                // One at a time (no padding) gives the same answer.
                QuestionAnswerer.Answer alone = answerer.answer(questions.get(index), context);
                assertThat(alone.start()).isEqualTo(answer.start());
                assertThat(alone.end()).isEqualTo(answer.end());
                assertThat(alone.score()).isCloseTo(answer.score(), within(1e-5));
            }
            // A short limit keeps the answer inside the part of the context that was kept.
            QuestionAnswerer.Answer cut = new QuestionAnswerer(model, 1, 14, 30).answer(questions.get(0), contexts.get(0));
            assertThat(cut.end()).isLessThanOrEqualTo("The cat sat on the mat,".length());
            ModelSaver.save(model, saved);
        }
        try (TransformerModel reloaded = ModelLoader.load(saved)) {
            assertThat(reloaded.task()).isEqualTo(HeadType.QUESTION_ANSWERING);
            QuestionAnswerer.Answer again = new QuestionAnswerer(reloaded, 2, 64, 3).answer(questions.get(0),
                    contexts.get(0));
            assertThat(again.text()).isEqualTo(answers.get(0).text());
            assertThat(again.score()).isCloseTo(answers.get(0).score(), within(1e-6));
        }
    }

    @Test
    void aQuestionAnsweringConfigSaysTwoLabelsAsTransformersRequires() {
        // The DistilBERT fixture is a 3-label token classifier; DistilBertForQuestionAnswering refuses num_labels != 2.
        try (TransformerModel model = ModelLoader.load(Fixtures.distilbert(),
                new HeadRequest(HeadType.QUESTION_ANSWERING, List.of(), 3))) {
            assertThat(model.config().intValue("num_labels", 0)).isEqualTo(2);
            assertThat(model.labels()).isEmpty();
            assertThat(model.config().architecture()).contains("DistilBertForQuestionAnswering");
            assertThat(new QuestionAnswerer(model, 1, 64, 5).answer("where?", "the cat sat on the mat.").text())
                    .isNotEmpty();
        }
    }

    @Test
    void trainingTargetsCoverTheAnswerOrPointAtClsWhenItIsMissing() {
        Path bert = Fixtures.bertWithPairTemplate(temporary.resolve("bert"));
        try (TextTokenizer tokenizer = TextTokenizer.load(bert.resolve("tokenizer.json"), 0)) {
            String context = "the cat sat on the mat.";
            LabeledAnswer answer = new LabeledAnswer("where?", context, context.indexOf("the mat"), "the mat");
            QuestionContextEncoding encoding = tokenizer.encodeQuestionContext("where?", context, 64);
            int[] span = QuestionAnsweringBatches.targetSpanForTest(answer, encoding);
            assertThat(context.substring(encoding.contextStart()[span[0]], encoding.contextEnd()[span[1]]))
                    .isEqualTo("the mat");
            assertThat(QuestionAnsweringBatches.targetSpanForTest(LabeledAnswer.unanswerable("where?", context),
                    encoding)).containsExactly(0, 0);
            QuestionContextEncoding cut = tokenizer.encodeQuestionContext("where?", context, 8);
            assertThat(QuestionAnsweringBatches.targetSpanForTest(answer, cut)).containsExactly(0, 0);
            assertThatThrownBy(() -> new LabeledAnswer("q", context, 0, "mat"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void fineTuningLearnsToPointAtTheAnswer() {
        Path bert = Fixtures.bertWithPairTemplate(temporary.resolve("bert"));
        List<LabeledAnswer> train = toyExamples(new Random(1), 48);
        List<LabeledAnswer> heldOut = toyExamples(new Random(2), 16);
        try (TransformerModel model = ModelLoader.load(bert, new HeadRequest(HeadType.QUESTION_ANSWERING, List.of(), 3))) {
            QuestionAnswerer answerer = new QuestionAnswerer(model, 8, 64, 5);
            SquadScores before = evaluate(answerer, heldOut);
            TrainingConfig config = TrainingConfig.defaults().withEpochs(12).withBatchSize(8).withLearningRate(3e-3)
                    .withWarmupRatio(0.1).withSeed(3);
            TrainingResult result = new FineTuner(config, step -> { }).train(model, train,
                    new QuestionAnsweringBatches(model.tokenizer(), 64, 0));
            SquadScores after = evaluate(answerer, heldOut);
            System.out.printf("question answering: epoch loss %.3f -> %.3f, held-out EM %.2f -> %.2f, F1 %.2f -> %.2f%n",
                    result.epochMeanLosses().get(0), result.epochMeanLosses().get(11), before.exactMatch(),
                    after.exactMatch(), before.f1(), after.f1());
            assertThat(result.epochMeanLosses().get(11)).isLessThan(result.epochMeanLosses().get(0) * 0.5);
            assertThat(after.f1()).isGreaterThan(before.f1());
            assertThat(after.exactMatch()).isGreaterThanOrEqualTo(0.8);
        }
    }

    /** "is it good or bad?" over short sentences: the answer is the one good/bad word, anywhere. */
    private static List<LabeledAnswer> toyExamples(Random random, int count) {
        String[] subjects = {"the cat", "a dog", "the movie", "a mat", "the dog on the mat", "a cat on a mat"};
        String[] verbs = {"was", "is"};
        List<LabeledAnswer> examples = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            String word = random.nextBoolean() ? "good" : "bad";
            String prefix = subjects[random.nextInt(subjects.length)] + " " + verbs[random.nextInt(2)] + " ";
            String context = random.nextBoolean()
                    ? prefix + word + "."
                    : word + ", " + prefix + "a cat.";
            int start = context.startsWith(word) ? 0 : prefix.length();
            examples.add(new LabeledAnswer("is it good or bad?", context, start, word));
        }
        return examples;
    }

    private static SquadScores evaluate(QuestionAnswerer answerer, List<LabeledAnswer> examples) {
        return answerer.evaluate(examples.stream().map(LabeledAnswer::question).toList(),
                examples.stream().map(LabeledAnswer::context).toList(),
                examples.stream().map(example -> List.of(example.answerText())).toList());
    }
}
