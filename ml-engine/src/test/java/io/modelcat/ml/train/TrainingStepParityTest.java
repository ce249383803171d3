package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.ReferenceOutputs;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One training step of every tiny model, dropout off, against transformers' own: the loss of its head
 * for the fixture's targets, and the global L2 norm of all gradients (as {@code clip_grad_norm_} sees it).
 */
class TrainingStepParityTest {

    private static final int IGNORED = -100;

    static Stream<String> fixtures() {
        return Fixtures.referenceOutputs().names().stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void lossAndGradientNormMatchTransformers(String name) {
        ReferenceOutputs.Model expected = Fixtures.referenceOutputs().model(name);
        ReferenceOutputs.TrainStep reference = expected.trainStep();
        try (TransformerModel model = ModelLoader.load(Fixtures.model(name))) {
            try (NDManager stepManager = model.manager().newSubManager()) {
                EncodedBatch batch = batch(expected, stepManager);
                GradientStep step = GradientStep.compute(model, batch, stepManager, false, () -> {});
                System.out.printf("training step %s: loss %.7f (transformers %.7f), gradient norm %.7f (%.7f)%n",
                        name, step.loss(), reference.loss(), step.globalNorm(), reference.gradNorm());
                assertThat(step.loss()).as("loss of %s", name).isCloseTo(reference.loss(), within(1e-5));
                assertThat(step.globalNorm()).as("gradient norm of %s", name)
                        .isCloseTo(reference.gradNorm(), within(1e-5 * Math.max(1, reference.gradNorm())));
            }
        }
    }

    /** The reference inputs with their targets over the logits' last axis; -100 positions are ignored. */
    private static EncodedBatch batch(ReferenceOutputs.Model expected, NDManager manager) {
        long[] shape = expected.logits().shape();
        int classes = (int) shape[shape.length - 1];
        List<Integer> ids = new ArrayList<>();
        flatten(expected.trainStep().targets(), ids);
        Targets targets = new Targets(classes, java.util.Arrays.copyOf(shape, shape.length - 1));
        for (int position = 0; position < ids.size(); position++) {
            if (ids.get(position) != IGNORED) {
                targets.set(position, ids.get(position));
            }
        }
        return targets.batch(expected.inputs(manager, true), manager);
    }

    private static void flatten(JsonNode node, List<Integer> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else {
            into.add(node.asInt());
        }
    }
}
