package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.ArchitectureFamily;
import io.modelcat.ml.arch.Task;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The loaded tiny models must reproduce the logits that transformers computed. */
class ReferenceParityTest {

    private static final double TOLERANCE = 1e-5;
    private static JsonNode reference;

    @BeforeAll
    static void readReference() {
        reference = Fixtures.referenceOutputs();
    }

    @Test
    void tokenizerGivesTheReferenceIds() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert())) {
            assertThat(model.tokenizer().encode(Fixtures.REFERENCE_SENTENCE))
                    .containsExactly(Fixtures.longs(reference.get("ids")));
        }
    }

    @Test
    void bertSequenceClassificationLogitsMatchTransformers() {
        float[] logits = logitsFor(Fixtures.bert(), new Shape(1, 2));
        report("bert", logits, Fixtures.floats(reference.get("bert")));
    }

    @Test
    void distilbertTokenClassificationLogitsMatchTransformers() {
        float[] logits = logitsFor(Fixtures.distilbert(), new Shape(1, 9, 3));
        report("distilbert", logits, Fixtures.floats(reference.get("distilbert")));
    }

    @Test
    void gpt2LanguageModelLogitsMatchTransformers() {
        float[] logits = logitsFor(Fixtures.gpt2(), new Shape(1, 9, 45));
        report("gpt2", logits, Fixtures.floats(reference.get("gpt2")));
    }

    @Test
    void loaderReadsFamilyTaskAndLabelsFromConfig() {
        try (TransformerModel model = ModelLoader.load(Fixtures.distilbert())) {
            assertThat(model.family()).isEqualTo(ArchitectureFamily.DISTILBERT);
            assertThat(model.task()).isEqualTo(Task.TOKEN_CLASSIFICATION);
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
        System.out.printf("parity %s: max abs diff %.3e over %d logits%n", name, maxDifference, actual.length);
        assertThat(maxDifference).as("max abs diff for %s", name).isLessThan(TOLERANCE);
    }
}
