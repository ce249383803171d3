package io.modelcat.ml.train;

import ai.djl.ndarray.NDManager;
import io.modelcat.ml.tokenize.QuestionContextEncoding;
import io.modelcat.ml.tokenize.TextTokenizer;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes SQuAD-style examples for a {@code qa_outputs} head as {@code transformers}' run_qa
 * preprocessing does (without sliding windows): the answer's first and last context tokens are the
 * start and end targets; an unanswerable question, or an answer that truncation cut off, points
 * both at the first token ({@code [CLS]}). The loss is then the mean of the start and end
 * cross-entropies over positions, as {@code BertForQuestionAnswering} computes it.
 */
public final class QuestionAnsweringBatches implements BatchEncoder<LabeledAnswer> {

    private final TextTokenizer tokenizer;
    private final int maxSequenceLength;
    private final long padTokenId;

    public QuestionAnsweringBatches(TextTokenizer tokenizer, int maxSequenceLength, long padTokenId) {
        this.tokenizer = tokenizer;
        this.maxSequenceLength = maxSequenceLength;
        this.padTokenId = padTokenId;
    }

    @Override
    public EncodedBatch encode(List<LabeledAnswer> examples, NDManager manager) {
        List<QuestionContextEncoding> encodings = new ArrayList<>(examples.size());
        for (LabeledAnswer example : examples) {
            encodings.add(tokenizer.encodeQuestionContext(example.question(), example.context(), maxSequenceLength));
        }
        TokenizedBatch tokens = QuestionContextEncoding.stack(encodings, padTokenId);
        int sequence = tokens.sequenceLength();
        // The logits are (batch, 2, seq): a start and an end position per example, each a class over positions.
        Targets targets = new Targets(sequence, examples.size(), 2);
        for (int row = 0; row < examples.size(); row++) {
            int[] span = targetSpan(examples.get(row), encodings.get(row));
            targets.set(2 * row, span[0]);
            targets.set(2 * row + 1, span[1]);
        }
        return targets.batch(tokens.toNDList(manager), manager);
    }

    /** {@link #targetSpan} for tests in other packages. */
    public static int[] targetSpanForTest(LabeledAnswer example, QuestionContextEncoding encoding) {
        return targetSpan(example, encoding);
    }

    /** Start and end token of the answer, or (0, 0) when it is absent or was truncated away. */
    static int[] targetSpan(LabeledAnswer example, QuestionContextEncoding encoding) {
        if (example.answerStart() < 0 || example.answerText().isEmpty()) {
            return new int[] {0, 0};
        }
        int startToken = -1;
        int endToken = -1;
        for (int position = 0; position < encoding.length(); position++) {
            if (!encoding.contextToken()[position]) {
                continue;
            }
            int tokenStart = encoding.contextStart()[position];
            int tokenEnd = encoding.contextEnd()[position];
            if (startToken < 0 && tokenEnd > example.answerStart()) {
                startToken = position;
            }
            if (tokenStart < example.answerEnd()) {
                endToken = position;
            }
        }
        boolean complete = startToken >= 0 && endToken >= startToken
                && encoding.contextEnd()[endToken] >= example.answerEnd();
        return complete ? new int[] {startToken, endToken} : new int[] {0, 0};
    }
}
