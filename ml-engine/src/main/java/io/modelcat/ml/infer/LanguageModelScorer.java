package io.modelcat.ml.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.arch.Task;
import io.modelcat.ml.metrics.Perplexity;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.CausalLmBatches;
import io.modelcat.ml.train.EncodedBatch;
import java.util.List;

/** Scores texts with a causal language model: summed next-token NLL, token count and perplexity. */
public final class LanguageModelScorer {

    private final TransformerModel model;
    private final CausalLmBatches batches;
    private final int batchSize;

    public LanguageModelScorer(TransformerModel model, int batchSize, int maxSequenceLength) {
        if (model.task() != Task.CAUSAL_LM) {
            throw new IllegalArgumentException("not a causal language model: " + model.task());
        }
        this.model = model;
        this.batches = new CausalLmBatches(model.tokenizer(), model.config().requiredInt("vocab_size"),
                model.fitSequenceLength(maxSequenceLength));
        this.batchSize = batchSize;
    }

    /** Natural-log NLL summed over every predicted token, with the number of tokens predicted. */
    public record Totals(double negativeLogLikelihood, long tokens) {

        public double meanNegativeLogLikelihood() {
            return negativeLogLikelihood / tokens;
        }

        public double perplexity() {
            return Perplexity.fromTotals(negativeLogLikelihood, tokens);
        }
    }

    public Totals score(List<String> texts) {
        double total = 0;
        long tokens = 0;
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
            try (NDManager batchManager = model.manager().newSubManager()) {
                EncodedBatch encoded = batches.encode(batch, batchManager);
                NDArray logits = model.forward(encoded.inputs(), false).singletonOrThrow();
                total -= logits.logSoftmax(-1).mul(encoded.targets()).sum().getFloat();
                tokens += (long) encoded.targets().sum().getFloat();
            }
        }
        return new Totals(total, tokens);
    }
}
