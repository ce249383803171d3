package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;

/**
 * AdamW with decoupled weight decay, following {@code torch.optim.AdamW}. Runs outside autograd
 * (after the gradient collector closed), so it may update the weights in place; the engine's
 * update also zeroes each weight's own gradient.
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

    /**
     * One update of every parameter that has a gradient, one native call per parameter: on a GPU
     * the ten or so element-wise operations of a Java-side update cost more in launches and JNI
     * crossings than in arithmetic.
     */
    void update(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate) {
        step++;
        double firstCorrection = 1 - Math.pow(BETA1, step);
        double secondCorrectionRoot = Math.sqrt(1 - Math.pow(BETA2, step));
        // The engine computes w -= lr' * m / (sqrt(v) + eps'); with lr' = lr * sqrt(1 - b2^t) / (1 - b1^t)
        // and eps' = eps * sqrt(1 - b2^t) that is exactly torch's lr * mhat / (sqrt(vhat) + eps).
        float correctedRate = (float) (learningRate * secondCorrectionRoot / firstCorrection);
        float correctedEpsilon = (float) (EPSILON * secondCorrectionRoot);
        for (Map.Entry<String, NDArray> entry : gradients.entrySet()) {
            String name = entry.getKey();
            NDArray weight = parameters.get(name);
            NDArray first = firstMoments.computeIfAbsent(name, key -> stateManager.zeros(weight.getShape()));
            NDArray second = secondMoments.computeIfAbsent(name, key -> stateManager.zeros(weight.getShape()));
            float decay = weightDecay > 0 && decays(name) ? (float) weightDecay : 0f;
            // adamw = true: decoupled decay w *= 1 - lr * decay before the moment update, as torch.optim.AdamW.
            weight.getNDArrayInternal().adamUpdate(new NDList(weight, entry.getValue(), first, second),
                    new NDList(weight), (float) learningRate, correctedRate, decay, 1f, -1f, (float) BETA1,
                    (float) BETA2, correctedEpsilon, false, true);
        }
    }

    /** The Hugging Face Trainer exempts biases and LayerNorm weights from weight decay. */
    static boolean decays(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return !(lower.endsWith(".bias") || lower.contains("layernorm") || lower.contains("layer_norm")
                || lower.contains(".ln_"));
    }
}
