package io.modelcat.ml.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.metrics.SquadScores;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.tokenize.QuestionContextEncoding;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Extractive question answering: the span of the context that a {@code qa_outputs} model scores
 * best (see {@link AnswerSpans}), mapped back to character offsets in the context. A context too
 * long for {@code maxSequenceLength} is cut at its end (no sliding windows); the answer is searched
 * in what is kept. Unanswerable questions (SQuAD 2.0's empty answer) are not predicted.
 */
public final class QuestionAnswerer {

    /**
     * An answer: its text, taken from the context between the character offsets {@code start}
     * (inclusive) and {@code end} (exclusive), its score p(start)·p(end), and its token positions.
     */
    public record Answer(String text, int start, int end, double score, int startToken, int endToken) {}

    private final TransformerModel model;
    private final int batchSize;
    private final int maxSequenceLength;
    private final int maxAnswerTokens;

    /**
     * @param maxAnswerTokens longest answer in tokens ({@code max_answer_len}, 15 in the pipeline)
     */
    public QuestionAnswerer(TransformerModel model, int batchSize, int maxSequenceLength, int maxAnswerTokens) {
        if (model.task() != HeadType.QUESTION_ANSWERING) {
            throw new IllegalArgumentException("not a question answering model: " + model.task());
        }
        this.model = model;
        this.batchSize = batchSize;
        this.maxSequenceLength = model.fitSequenceLength(maxSequenceLength);
        this.maxAnswerTokens = maxAnswerTokens;
    }

    public Answer answer(String question, String context) {
        return answer(List.of(question), List.of(context)).get(0);
    }

    /** One answer per question, each in its own context; {@code null} where no context token survived. */
    public List<Answer> answer(List<String> questions, List<String> contexts) {
        if (questions.size() != contexts.size()) {
            throw new IllegalArgumentException(questions.size() + " questions but " + contexts.size() + " contexts");
        }
        List<Answer> answers = new ArrayList<>(questions.size());
        for (int start = 0; start < questions.size(); start += batchSize) {
            int end = Math.min(questions.size(), start + batchSize);
            List<QuestionContextEncoding> encodings = new ArrayList<>();
            for (int index = start; index < end; index++) {
                encodings.add(model.tokenizer().encodeQuestionContext(questions.get(index), contexts.get(index),
                        maxSequenceLength));
            }
            TokenizedBatch batch = QuestionContextEncoding.stack(encodings, model.config().intValue("pad_token_id", 0));
            int sequence = batch.sequenceLength();
            float[] logits;
            try (NDManager batchManager = model.manager().newSubManager()) {
                NDArray output = model.forward(batch.toNDList(batchManager), false).singletonOrThrow();
                logits = output.toFloatArray();
            }
            for (int row = 0; row < encodings.size(); row++) {
                QuestionContextEncoding encoding = encodings.get(row);
                int length = encoding.length();
                float[] startLogits = Arrays.copyOfRange(logits, 2 * row * sequence, 2 * row * sequence + length);
                float[] endLogits = Arrays.copyOfRange(logits, (2 * row + 1) * sequence,
                        (2 * row + 1) * sequence + length);
                AnswerSpans.Span span = AnswerSpans.best(startLogits, endLogits, encoding.contextToken(),
                        maxAnswerTokens);
                if (span == null) {
                    answers.add(null);
                    continue;
                }
                String context = contexts.get(start + row);
                int first = encoding.contextStart()[span.startToken()];
                int last = encoding.contextEnd()[span.endToken()];
                answers.add(new Answer(context.substring(first, last), first, last, span.score(), span.startToken(),
                        span.endToken()));
            }
        }
        return answers;
    }

    /** SQuAD exact match and F1 of the predicted answers against each question's gold answers. */
    public SquadScores evaluate(List<String> questions, List<String> contexts, List<List<String>> goldAnswers) {
        List<String> predictions = answer(questions, contexts).stream()
                .map(answer -> answer == null ? "" : answer.text())
                .toList();
        return SquadScores.of(predictions, goldAnswers);
    }
}
