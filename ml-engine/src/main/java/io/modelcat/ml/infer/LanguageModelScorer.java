package io.modelcat.ml.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.metrics.Perplexity;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.BatchEncoder;
import io.modelcat.ml.train.CausalLmBatches;
import io.modelcat.ml.train.CompletionBatches;
import io.modelcat.ml.train.EncodedBatch;
import io.modelcat.ml.train.LearnedTokens;
import io.modelcat.ml.train.PromptCompletion;
import java.util.List;

/** Scores texts with a causal language model: summed next-token NLL, token count and perplexity. */
public final class LanguageModelScorer {

    private final TransformerModel model;
    private final CausalLmBatches batches;
    private final CompletionBatches completions;
    private final int batchSize;

    public LanguageModelScorer(TransformerModel model, int batchSize, int maxSequenceLength) {
        if (model.task() != HeadType.CAUSAL_LM) {
            throw new IllegalArgumentException("not a causal language model: " + model.task());
        }
        this.model = model;
        int vocabulary = model.config().requiredInt("vocab_size");
        this.batches = new CausalLmBatches(model.tokenizer(), vocabulary, model.fitSequenceLength(maxSequenceLength));
        this.completions = new CompletionBatches(model.tokenizer(), vocabulary,
                model.fitSequenceLength(maxSequenceLength), endOfSequence(model));
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
        return score(texts, batches);
    }

    /**
     * Scores prompt/completion rows on their completions' tokens only (and the end-of-sequence token that
     * closes each), as instruction tuning trains them; a row without a completion is scored whole.
     */
    public Totals scoreCompletions(List<PromptCompletion> rows) {
        return score(rows, completions);
    }

    /** Scores rows of tokens on their learned tokens only (a conversation's assistant turns). */
    public Totals scoreTokens(List<LearnedTokens> rows) {
        return score(rows, completions.forTokens());
    }

    private <T> Totals score(List<T> rows, BatchEncoder<T> encoder) {
        double total = 0;
        long tokens = 0;
        for (int start = 0; start < rows.size(); start += batchSize) {
            List<T> batch = rows.subList(start, Math.min(rows.size(), start + batchSize));
            try (NDManager batchManager = model.manager().newSubManager()) {
                EncodedBatch encoded = encoder.encode(batch, batchManager);
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

    /** The id that closes a completion: the first of {@code config.json}'s {@code eos_token_id}; -1 if none. */
    public static long endOfSequence(TransformerModel model) {
        List<Long> ids = model.config().longList("eos_token_id");
        return ids.isEmpty() ? -1 : ids.get(0);
    }
}
