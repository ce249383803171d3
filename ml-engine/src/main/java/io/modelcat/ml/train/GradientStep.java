package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.modelcat.ml.model.TransformerModel;
import java.util.LinkedHashMap;
import java.util.Map;

/** One forward and backward pass: the batch loss and each parameter's gradient, held in the step's manager. */
final class GradientStep {

    private final double loss;
    private final Map<String, NDArray> gradients;
    private final NDManager stepManager;

    private GradientStep(double loss, Map<String, NDArray> gradients, NDManager stepManager) {
        this.loss = loss;
        this.gradients = gradients;
        this.stepManager = stepManager;
    }

    /**
     * @param beforeBackward runs between forward and backward; tests force a garbage collection
     *     there to prove no buffer that autograd needs can be freed early
     */
    static GradientStep compute(TransformerModel model, EncodedBatch batch, NDManager stepManager,
            Runnable beforeBackward) {
        NDArray loss;
        try (GradientCollector collector = model.manager().getEngine().newGradientCollector()) {
            NDArray logits = model.forward(batch.inputs(), true).singletonOrThrow();
            loss = CrossEntropyLoss.of(logits, batch);
            beforeBackward.run();
            collector.backward(loss);
        }
        Map<String, NDArray> gradients = new LinkedHashMap<>();
        model.parameters().forEach((name, weight) -> {
            // getGradient returns a new handle on the weight's manager; move it to the step's to free it.
            NDArray gradient = weight.getGradient();
            gradient.attach(stepManager);
            gradients.put(name, gradient);
        });
        return new GradientStep(loss.getFloat(), gradients, stepManager);
    }

    double loss() {
        return loss;
    }

    Map<String, NDArray> byName() {
        return gradients;
    }

    /** The L2 norm over all gradients together, as {@code torch.nn.utils.clip_grad_norm_} computes it. */
    double globalNorm() {
        NDArray sumOfSquares = stepManager.zeros(new Shape());
        for (NDArray gradient : gradients.values()) {
            sumOfSquares = sumOfSquares.add(gradient.square().sum());
        }
        return Math.sqrt(sumOfSquares.getFloat());
    }

    /** Scales all gradients down together when their global norm exceeds {@code maxNorm}. */
    void clipGlobalNorm(double maxNorm) {
        double norm = globalNorm();
        double factor = maxNorm / (norm + 1e-6);
        if (factor < 1) {
            gradients.values().forEach(gradient -> gradient.muli(factor));
        }
    }

    /** PyTorch accumulates gradients across backward passes, so they are reset after each update. */
    void zero() {
        gradients.values().forEach(gradient -> gradient.subi(gradient));
    }
}
