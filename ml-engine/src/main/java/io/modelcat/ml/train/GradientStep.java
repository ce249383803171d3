package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.modelcat.ml.arch.ScalarConstants;
import io.modelcat.ml.arch.Weights;
import io.modelcat.ml.model.TransformerModel;
import java.util.Map;

/** One forward and backward pass: the batch loss and each parameter's gradient, held in the step's manager. */
final class GradientStep {

    private final NDArray loss;
    private final Map<String, NDArray> gradients;
    private final ScalarConstants constants;

    private GradientStep(NDArray loss, Map<String, NDArray> gradients, ScalarConstants constants) {
        this.loss = loss;
        this.gradients = gradients;
        this.constants = constants;
    }

    /**
     * A training step, dropout on.
     *
     * @param beforeBackward runs between forward and backward; tests force a garbage collection
     *     there to prove no buffer that autograd needs can be freed early
     */
    static GradientStep compute(TransformerModel model, EncodedBatch batch, NDManager stepManager,
            Runnable beforeBackward) {
        return compute(model, batch, stepManager, true, beforeBackward);
    }

    /**
     * @param dropout false for a deterministic step, as {@code transformers} computes one in eval mode
     * @param beforeBackward runs between forward and backward
     */
    static GradientStep compute(TransformerModel model, EncodedBatch batch, NDManager stepManager, boolean dropout,
            Runnable beforeBackward) {
        NDArray loss;
        Map<String, NDArray> gradients;
        // The forward pass reads aliases of the weights, whose gradients are fresh every step.
        try (Weights.GradientScope scope = model.gradientScope(stepManager)) {
            try (GradientCollector collector = model.manager().getEngine().newGradientCollector()) {
                NDArray logits = model.forward(batch.inputs(), dropout).singletonOrThrow();
                loss = CrossEntropyLoss.of(logits, batch);
                beforeBackward.run();
                collector.backward(loss);
            }
            gradients = scope.gradients();
        }
        return new GradientStep(loss, gradients, model.constants());
    }

    /**
     * The batch loss, read back to the host. On a GPU this waits for the step's queued work, so
     * {@link FineTuner} reads it only after the optimizer update has been queued too.
     */
    double loss() {
        return loss.getFloat();
    }

    Map<String, NDArray> byName() {
        return gradients;
    }

    /** The L2 norm over all gradients together, as {@code torch.nn.utils.clip_grad_norm_} computes it. */
    double globalNorm() {
        return globalNormArray().getFloat();
    }

    private NDArray globalNormArray() {
        // One fused norm kernel per gradient (not square, then sum), then the norm of those norms.
        NDList norms = new NDList(gradients.size());
        for (NDArray gradient : gradients.values()) {
            norms.add(gradient.norm());
        }
        return NDArrays.stack(norms).norm();
    }

    /**
     * Scales all gradients down together when their global norm exceeds {@code maxNorm}, as
     * {@code torch.nn.utils.clip_grad_norm_} does.
     */
    void clipGlobalNorm(double maxNorm) {
        NDArray factor = clipFactor(maxNorm);
        gradients.values().forEach(gradient -> gradient.muli(factor));
    }

    /**
     * The factor min(1, maxNorm / (norm + 1e-6)) by which {@code clip_grad_norm_} scales every
     * gradient, as a scalar array on the device: {@link AdamW} applies it while it reads each
     * gradient anyway. Its constants are the model's: reading a number back, or copying one from the
     * host (which {@code add(Number)} does), would make the host wait for the whole backward pass on a GPU.
     */
    NDArray clipFactor(double maxNorm) {
        // Step arrays come first in every operation so that the results land in the step's manager.
        return globalNormArray().add(constants.of(1e-6f)).pow(constants.of(-1f))
                .mul(constants.of((float) maxNorm)).minimum(constants.of(1f));
    }

}
