package io.modelcat.ml.train;

/**
 * A SQuAD-style example: the question, its context, and the answer as the context's characters
 * from {@code answerStart} of length {@code answerText.length()}; {@code answerStart} -1 (and an
 * empty text) for a question the context does not answer.
 */
public record LabeledAnswer(String question, String context, int answerStart, String answerText) {

    public LabeledAnswer {
        if (answerStart >= 0 && !context.startsWith(answerText, answerStart)) {
            throw new IllegalArgumentException("the context does not hold '" + answerText + "' at " + answerStart);
        }
    }

    public static LabeledAnswer unanswerable(String question, String context) {
        return new LabeledAnswer(question, context, -1, "");
    }

    public int answerEnd() {
        return answerStart + answerText.length();
    }
}
