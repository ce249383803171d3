package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.ReferenceOutputs;
import io.modelcat.ml.arch.ArchitectureFamily;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.infer.Generation;
import io.modelcat.ml.infer.GenerationConfig;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every tiny model must reproduce what transformers computed for it (reference/generate_fixtures.py):
 * the tokenizer's ids, the head's logits, the body's last hidden state and, for causal LMs, greedy generation.
 */
class ReferenceParityTest {

    private static final double TOLERANCE = 1e-5;
    private static ReferenceOutputs reference;

    @BeforeAll
    static void readReference() {
        reference = Fixtures.referenceOutputs();
    }

    static Stream<String> fixtures() {
        return Fixtures.referenceOutputs().names().stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void tokenizerGivesTransformersIds(String name) {
        ReferenceOutputs.Model expected = reference.model(name);
        try (TransformerModel model = ModelLoader.load(Fixtures.model(name))) {
            TokenizedBatch batch = expected.pairs().isEmpty()
                    ? model.tokenizer().encodeBatch(expected.texts(), 64)
                    : model.tokenizer().encodePairBatch(expected.pairs().stream().map(pair -> pair.get(0)).toList(),
                            expected.pairs().stream().map(pair -> pair.get(1)).toList(), 64);
            assertThat(batch.inputIds()).as("input ids of %s", name).isDeepEqualTo(expected.inputIds());
            assertThat(batch.attentionMask()).as("attention mask of %s", name).isDeepEqualTo(expected.attentionMask());
            assertThat(batch.tokenTypeIds()).as("token types of %s", name).isDeepEqualTo(expected.tokenTypeIds());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void headLogitsMatchTransformers(String name) {
        ReferenceOutputs.Model expected = reference.model(name);
        try (TransformerModel model = ModelLoader.load(Fixtures.model(name));
                NDManager batch = model.manager().newSubManager()) {
            assertThat(model.config().architecture()).contains(expected.className());
            NDArray logits = model.forward(expected.inputs(batch, true), false).singletonOrThrow();
            assertThat(logits.getShape()).isEqualTo(expected.logits().djlShape());
            report(name + " logits", logits.toFloatArray(), expected.logits().values());
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void lastHiddenStateMatchesTransformers(String name) {
        ReferenceOutputs.Model expected = reference.model(name);
        try (TransformerModel model = ModelLoader.load(Fixtures.model(name));
                NDManager batch = model.manager().newSubManager()) {
            NDArray hidden = model.hiddenStates(expected.inputs(batch, true), false);
            assertThat(hidden.getShape()).isEqualTo(expected.lastHiddenState().djlShape());
            report(name + " hidden states", hidden.toFloatArray(), expected.lastHiddenState().values());
        }
    }

    @Test
    void greedyGenerationGivesTransformersIds() {
        List<String> generators = reference.names().stream().filter(name -> reference.model(name).greedy().isPresent())
                .toList();
        assertThat(generators).isNotEmpty();
        for (String name : generators) {
            ReferenceOutputs.Model expected = reference.model(name);
            ReferenceOutputs.Greedy greedy = expected.greedy().orElseThrow();
            try (TransformerModel model = ModelLoader.load(Fixtures.model(name))) {
                Generation generation = new TextGenerator(model).generate(expected.texts().get(0),
                        GenerationConfig.greedy().withMaxNewTokens(greedy.maxNewTokens()));
                assertThat(generation.promptIds()).as("prompt of %s", name).containsExactly(greedy.promptIds());
                assertThat(generation.generatedIds()).as("greedy ids of %s", name)
                        .containsExactly(greedy.generatedIds());
            }
        }
    }

    @Test
    void loaderReadsFamilyTaskAndLabelsFromConfig() {
        try (TransformerModel model = ModelLoader.load(Fixtures.distilbert())) {
            assertThat(model.family()).isEqualTo(ArchitectureFamily.DISTILBERT);
            assertThat(model.task()).isEqualTo(HeadType.TOKEN_CLASSIFICATION);
            assertThat(model.labels()).containsExactly("LABEL_0", "LABEL_1", "LABEL_2");
            assertThat(model.newlyInitialised()).isEmpty();
            assertThat(model.djlModel().getBlock().getParameters().keys())
                    .contains("distilbert.transformer.layer.1.ffn.lin2.weight", "classifier.bias");
        }
    }

    @Test
    void theDjlBlockViewComputesTheSameLogits() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert());
                NDManager batch = model.manager().newSubManager()) {
            NDList inputs = model.tokenizer().encodeBatch(java.util.List.of(Fixtures.REFERENCE_SENTENCE), 64)
                    .toNDList(batch);
            NDList viaBlock = model.djlModel().getBlock()
                    .forward(new ai.djl.training.ParameterStore(batch, false), inputs, false);
            assertThat(viaBlock.singletonOrThrow().toFloatArray())
                    .containsExactly(model.forward(inputs, false).singletonOrThrow().toFloatArray());
        }
    }

    @Test
    void gpt2HasNoSeparateLmHeadBecauseItIsTiedToTheTokenEmbeddings() {
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            assertThat(model.parameters()).containsKey("transformer.wte.weight").doesNotContainKey("lm_head.weight");
            assertThat(model.parameters()).hasSize(2 * 12 + 4);
        }
    }

    static float[] logitsFor(Path directory, Shape expectedShape) {
        try (TransformerModel model = ModelLoader.load(directory);
                NDManager batch = model.manager().newSubManager()) {
            NDList inputs = model.tokenizer().encodeBatch(java.util.List.of(Fixtures.REFERENCE_SENTENCE), 64)
                    .toNDList(batch);
            NDArray logits = model.forward(inputs, false).singletonOrThrow();
            assertThat(logits.getShape()).isEqualTo(expectedShape);
            return logits.toFloatArray();
        }
    }

    private static void report(String name, float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double maxDifference = 0;
        for (int index = 0; index < actual.length; index++) {
            maxDifference = Math.max(maxDifference, Math.abs(actual[index] - expected[index]));
        }
        System.out.printf("parity %s: max abs diff %.3e over %d values%n", name, maxDifference, actual.length);
        assertThat(maxDifference).as("max abs diff for %s", name).isLessThan(TOLERANCE);
    }
}
