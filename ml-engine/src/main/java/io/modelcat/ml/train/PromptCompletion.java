package io.modelcat.ml.train;

/**
 * A causal-LM training row: a prompt and the completion to learn to answer it with (instruction tuning: the loss
 * is on the completion's tokens only), or, with a null completion, a text learned whole.
 */
public record PromptCompletion(String prompt, String completion) {

    public PromptCompletion {
        if (prompt == null) {
            throw new IllegalArgumentException("a training row needs a prompt (or a text)");
        }
    }
}
