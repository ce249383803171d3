package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, following {@code torch.optim.AdamW}. Runs outside autograd
 * (after the gradient collector closed), so it may update the weights in place.
 */
final class AdamW {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final NDManager stateManager;
    private final double weightDecay;
    private final Map<String, NDArray> firstMoments = new HashMap<>();
    private final Map<String, NDArray> secondMoments = new HashMap<>();
    private int step;

    /** @param stateManager owns the moment estimates; close it when training ends */
    AdamW(NDManager stateManager, double weightDecay) {
        this.stateManager = stateManager;
        this.weightDecay = weightDecay;
    }

    /** One update of every parameter that has a gradient; temporaries are closed before returning. */
    void update(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate) {
        step++;
        double firstCorrection = 1 - Math.pow(BETA1, step);
        double secondCorrectionRoot = Math.sqrt(1 - Math.pow(BETA2, step));
        for (Map.Entry<String, NDArray> entry : gradients.entrySet()) {
            String name = entry.getKey();
            NDArray weight = parameters.get(name);
            NDArray gradient = entry.getValue();
            if (weightDecay > 0 && decays(name)) {
                weight.muli(1 - learningRate * weightDecay);
            }
            NDArray first = firstMoments.computeIfAbsent(name, key -> stateManager.zeros(weight.getShape()));
            NDArray second = secondMoments.computeIfAbsent(name, key -> stateManager.zeros(weight.getShape()));
            try (NDArray scaledGradient = gradient.mul(1 - BETA1);
                    NDArray scaledSquare = gradient.square().muli(1 - BETA2)) {
                first.muli(BETA1).addi(scaledGradient);
                second.muli(BETA2).addi(scaledSquare);
            }
            try (NDArray denominator = second.sqrt().divi(secondCorrectionRoot).addi(EPSILON);
                    NDArray change = first.div(denominator).muli(learningRate / firstCorrection)) {
                weight.subi(change);
            }
        }
    }

    /** The Hugging Face Trainer exempts biases and LayerNorm weights from weight decay. */
    static boolean decays(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return !(lower.endsWith(".bias") || lower.contains("layernorm") || lower.contains("layer_norm")
                || lower.contains(".ln_"));
    }
}
