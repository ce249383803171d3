package io.modelcat.ml.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.modelcat.ml.arch.HeadType;
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
        if (model.task() != HeadType.CAUSAL_LM) {
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
                // Log-softmax and the sum run in float64 on the model's float32 logits: in float32 a
                // sum of hundreds of NLLs near 4 is off by several 1e-6, which exp() then magnifies.
                NDArray nextIds = encoded.targetIds().expandDims(-1);
                NDArray predicted = encoded.targetWeights().toType(DataType.FLOAT64, false);
                NDArray logProbabilities = logits.toType(DataType.FLOAT64, false).logSoftmax(-1);
                total -= logProbabilities.gather(nextIds, -1).squeeze(-1).mul(predicted).sum().getDouble();
                tokens += Math.round(predicted.sum().getDouble());
            }
        }
        return new Totals(total, tokens);
    }
}
