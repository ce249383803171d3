package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.ReferenceOutputs;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class LanguageModelScorerTest {

    @Test
    void perplexityMatchesTheOneComputedFromTransformersLogits() {
        ReferenceOutputs.Model reference = Fixtures.referenceOutputs().model("gpt2");
        long[] ids = reference.ids(0);
        float[] logits = reference.logits().row(0);
        int vocabulary = 45;
        // Expected: mean over positions 0..7 of -log softmax(logits[t])[ids[t+1]], from transformers' numbers.
        double expectedTotal = 0;
        for (int position = 0; position + 1 < ids.length; position++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int token = 0; token < vocabulary; token++) {
                max = Math.max(max, logits[position * vocabulary + token]);
            }
            double sum = 0;
            for (int token = 0; token < vocabulary; token++) {
                sum += Math.exp(logits[position * vocabulary + token] - max);
            }
            double logSumExp = max + Math.log(sum);
            expectedTotal += logSumExp - logits[position * vocabulary + (int) ids[position + 1]];
        }

        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            LanguageModelScorer.Totals totals = new LanguageModelScorer(model, 4, 64)
                    .score(List.of(Fixtures.REFERENCE_SENTENCE));

            assertThat(totals.tokens()).isEqualTo(ids.length - 1);
            assertThat(totals.negativeLogLikelihood()).isCloseTo(expectedTotal, within(1e-4));
            assertThat(totals.perplexity()).isCloseTo(Math.exp(expectedTotal / 8), within(1e-3));
            // A random 45-token model is close to uniform: perplexity near 45.
            assertThat(totals.perplexity()).isBetween(30.0, 60.0);
        }
    }

    @Test
    void paddingInABatchDoesNotChangeTheScore() {
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            LanguageModelScorer alone = new LanguageModelScorer(model, 1, 64);
            LanguageModelScorer together = new LanguageModelScorer(model, 2, 64);
            List<String> texts = List.of("the cat sat on the mat.", "a dog");
            LanguageModelScorer.Totals one = alone.score(texts);
            LanguageModelScorer.Totals batched = together.score(texts);
            // [CLS] ... [SEP]: 9 tokens give 8 predictions, "a dog" 4 tokens give 3.
            assertThat(batched.tokens()).isEqualTo(one.tokens()).isEqualTo(8 + 3);
            assertThat(batched.negativeLogLikelihood()).isCloseTo(one.negativeLogLikelihood(), within(1e-4));
        }
    }
}
