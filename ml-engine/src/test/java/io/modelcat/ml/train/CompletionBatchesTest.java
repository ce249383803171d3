package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.infer.GenerationConfig;
import io.modelcat.ml.infer.LanguageModelScorer;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Instruction tuning: the loss is on the completion's tokens (and the closing EOS), and the model learns to answer. */
class CompletionBatchesTest {

    private static final long EOS = 0; // <|endoftext|> of the chat fixture's byte-level vocabulary

    @Test
    void onlyTheCompletionAndItsEndOfSequenceAreTrained() {
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2-chat-chatml"));
                NDManager manager = model.manager().newSubManager()) {
            int vocabulary = model.config().requiredInt("vocab_size");
            long[] prompt = model.tokenizer().encode("the cat");
            long[] completion = model.tokenizer().encode(" sat on the mat", false);
            long[] text = model.tokenizer().encode("a dog was good");
            EncodedBatch batch = new CompletionBatches(model.tokenizer(), vocabulary, 64, EOS).encode(List.of(
                    new PromptCompletion("the cat", " sat on the mat"), new PromptCompletion("a dog was good", null)),
                    manager);
            int sequence = (int) batch.inputs().get(0).getShape().get(1);
            assertThat(sequence).isEqualTo(Math.max(prompt.length + completion.length + 1, text.length));
            long[] ids = batch.inputs().get(0).toLongArray();
            long[] targets = batch.targetIds().toLongArray();
            float[] weights = batch.targetWeights().toFloatArray();
            // Row 0: prompt, completion, EOS; trained from the last prompt position on, each to the next token.
            for (int position = 0; position < sequence; position++) {
                boolean trained = position >= prompt.length - 1 && position < prompt.length + completion.length;
                assertThat(weights[position]).as("row 0 position %d", position).isEqualTo(trained ? 1f : 0f);
                if (trained) {
                    assertThat(targets[position]).isEqualTo(ids[position + 1]);
                }
            }
            assertThat(ids[prompt.length + completion.length]).isEqualTo(EOS);
            // Row 1: a text without a completion is learned whole, as CausalLmBatches learns it.
            for (int position = 0; position < sequence; position++) {
                assertThat(weights[sequence + position]).isEqualTo(position < text.length - 1 ? 1f : 0f);
            }
            assertThat(batch.targetCount().getFloat()).isEqualTo(completion.length + 1 + text.length - 1);
            // Too long: cut at the end.
            EncodedBatch cut = new CompletionBatches(model.tokenizer(), vocabulary, prompt.length + 2, EOS).encode(
                    List.of(new PromptCompletion("the cat", " sat on the mat")), manager);
            assertThat(cut.inputs().get(0).getShape().get(1)).isEqualTo(prompt.length + 2);
            assertThat(cut.targetCount().getFloat()).isEqualTo(2f);
        }
    }

    @Test
    void aModelTunedOnCompletionsAnswersItsPromptsAndItsCompletionLossFalls() {
        List<PromptCompletion> rows = List.of(new PromptCompletion("where is the cat?", " on the mat"),
                new PromptCompletion("what was good?", " the dog"), new PromptCompletion("what is bad?", " the movie"));
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2-chat-chatml"))) {
            int vocabulary = model.config().requiredInt("vocab_size");
            // The model's own end of sequence (ChatML's <|im_end|>), which the scorer scores too.
            long eos = LanguageModelScorer.endOfSequence(model);
            LanguageModelScorer scorer = new LanguageModelScorer(model, 4, 64);
            double before = scorer.scoreCompletions(rows).meanNegativeLogLikelihood();
            new FineTuner(TrainingConfig.defaults().withEpochs(80).withBatchSize(3).withLearningRate(1e-2).withSeed(3),
                    TrainingListener.NONE).train(model, rows, new CompletionBatches(model.tokenizer(), vocabulary, 64, eos));
            double after = scorer.scoreCompletions(rows).meanNegativeLogLikelihood();
            assertThat(after).as("completion loss %s, then %s", before, after).isLessThan(before / 4);
            TextGenerator generator = new TextGenerator(model);
            List<String> answers = new ArrayList<>();
            for (PromptCompletion row : rows) {
                answers.add(generator.generate(row.prompt(), GenerationConfig.greedy().withMaxNewTokens(12)
                        .withEosTokenIds(List.of(eos))).text());
            }
            // Each answer is its completion, ended by the EOS the model learned to put there.
            assertThat(answers).containsExactly(" on the mat", " the dog", " the movie");
        }
    }
}
