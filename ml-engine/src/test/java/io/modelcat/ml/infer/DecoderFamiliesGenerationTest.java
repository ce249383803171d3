package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.ReferenceOutputs;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generation with the Llama-family decoders (the tiny llama, mistral, qwen2 and qwen3 fixtures): the key/value cache
 * changes no token, and a left-padded batch generates what transformers generates for it. (Greedy ids of a single
 * prompt against transformers' are checked for every causal fixture in {@code ReferenceParityTest}.)
 */
class DecoderFamiliesGenerationTest {

    static Stream<String> decoders() {
        return Stream.of("llama", "mistral", "qwen2", "qwen3");
    }

    /**
     * 24 new tokens after a 7-token prompt: far past mistral's window of 4 and qwen2's window of 3, so that cached
     * steps hide keys that the whole-sequence pass hides too.
     */
    @ParameterizedTest
    @MethodSource("decoders")
    void cachedGenerationGivesTheTokensOfTheWholeSequencePass(String name) {
        try (TransformerModel model = ModelLoader.load(Fixtures.model(name))) {
            TextGenerator generator = new TextGenerator(model);
            Generation cached = generator.generate(Fixtures.REFERENCE_SENTENCE,
                    GenerationConfig.greedy().withMaxNewTokens(24).withEosTokenIds(List.of()));
            assertThat(cached.generatedIds()).hasSize(24);
            long[] prefix = cached.promptIds();
            List<Long> uncached = new ArrayList<>();
            for (int step = 0; step < 24; step++) {
                long token = TextGenerator.argmax(generator.nextTokenLogits(prefix));
                uncached.add(token);
                prefix = Arrays.copyOf(prefix, prefix.length + 1);
                prefix[prefix.length - 1] = token;
            }
            assertThat(cached.generatedIds()).as("cached against uncached greedy ids of %s", name)
                    .containsExactly(uncached.stream().mapToLong(Long::longValue).toArray());
        }
    }

    @ParameterizedTest
    @MethodSource("decoders")
    void aLeftPaddedBatchGeneratesTransformersIds(String name) {
        ReferenceOutputs.GreedyBatch expected = Fixtures.referenceOutputs().model(name).greedyBatch().orElseThrow();
        List<long[]> prompts = List.of(expected.promptIds(0), expected.promptIds(1));
        assertThat(prompts.get(0).length).as("the batch needs padding").isNotEqualTo(prompts.get(1).length);
        try (TransformerModel model = ModelLoader.load(Fixtures.model(name))) {
            TextGenerator generator = new TextGenerator(model);
            assertThat(generator.defaultEosTokenIds()).containsExactly(expected.eosTokenId());
            List<Generation> generations = generator.generateBatch(prompts,
                    GenerationConfig.greedy().withMaxNewTokens(expected.maxNewTokens()));
            for (int row = 0; row < prompts.size(); row++) {
                assertThat(generations.get(row).promptIds()).containsExactly(prompts.get(row));
                assertThat(generations.get(row).generatedIds()).as("row %d of %s", row, name)
                        .containsExactly(expected.generatedUntilEos(row));
            }
        }
    }
}
