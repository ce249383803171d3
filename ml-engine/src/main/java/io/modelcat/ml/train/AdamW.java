package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * AdamW with decoupled weight decay, following {@code torch.optim.AdamW}. Runs outside autograd
 * (after the gradient collector closed), so it may update the weights in place. The gradients
 * belong to one step ({@link GradientStep#byName}) and are used up: the in-place form computes in
 * them, and both forms scale them by the clipping factor first.
 *
 * <p>Two ways to compute the same update, chosen by device:
 *
 * <ul>
 *   <li>On a GPU, one native call per parameter (DJL's PyTorch {@code adamUpdate}): there the
 *       launches and JNI crossings of a Java-side update cost more than its arithmetic, and the
 *       CUDA caching allocator makes the native call's temporaries free.
 *   <li>On a CPU, a handful of in-place array operations per parameter. The update is bound by
 *       memory traffic there, and {@code adamUpdate} clones the gradient and makes six more
 *       parameter-sized temporaries: for BERT-base that is about 3 GB of fresh memory per step,
 *       which glibc returns to the kernel and takes back as zeroed pages (the word-embedding
 *       matrix alone is 94 MB). The in-place form ({@link InPlaceAdamWStep}) makes one temporary
 *       per slice of a parameter and took 0.32 s a step for BERT-base on two cores where
 *       {@code adamUpdate} took 0.59 s, before it worked in cache-sized slices.
 * </ul>
 */
final class AdamW {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    /** transformers' {@code Trainer.get_decay_parameter_names} patterns, matched against the lower-cased name. */
    private static final Pattern NO_DECAY = Pattern.compile("bias|layernorm|rmsnorm|(?:^|\\.)norm(?:$|\\.)|_norm(?:$|\\.)");

    private final NDManager stateManager;
    private final double weightDecay;
    private final boolean inPlace;
    private final Map<String, NDArray> firstMoments = new HashMap<>();
    private final Map<String, NDArray> secondMoments = new HashMap<>();
    private int step;

    /** @param stateManager owns the moment estimates; close it when training ends */
    AdamW(NDManager stateManager, double weightDecay) {
        this(stateManager, weightDecay, !stateManager.getDevice().isGpu());
    }

    /** @param inPlace the CPU form ({@link InPlaceAdamWStep}) rather than one native call per parameter */
    AdamW(NDManager stateManager, double weightDecay, boolean inPlace) {
        this.stateManager = stateManager;
        this.weightDecay = weightDecay;
        this.inPlace = inPlace;
    }

    /** One update of every parameter that has a gradient. */
    void update(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate) {
        update(parameters, gradients, learningRate, null);
    }

    /**
     * One update of every parameter that has a gradient, each gradient first multiplied by
     * {@code gradientScale} (the clipping factor, kept on the device), or as it is when that is null.
     */
    void update(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate,
            NDArray gradientScale) {
        step++;
        double firstCorrection = 1 - Math.pow(BETA1, step);
        double secondCorrectionRoot = Math.sqrt(1 - Math.pow(BETA2, step));
        // Both forms compute w -= lr' * m / (sqrt(v) + eps'); with lr' = lr * sqrt(1 - b2^t) / (1 - b1^t)
        // and eps' = eps * sqrt(1 - b2^t) that is exactly torch's lr * mhat / (sqrt(vhat) + eps).
        float correctedRate = (float) (learningRate * secondCorrectionRoot / firstCorrection);
        float correctedEpsilon = (float) (EPSILON * secondCorrectionRoot);
        if (inPlace) {
            updateInPlace(parameters, gradients, learningRate, gradientScale, correctedRate, correctedEpsilon);
        } else {
            updateNatively(parameters, gradients, learningRate, gradientScale, correctedRate, correctedEpsilon);
        }
    }

    private void updateNatively(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate,
            NDArray gradientScale, float correctedRate, float correctedEpsilon) {
        for (Map.Entry<String, NDArray> entry : gradients.entrySet()) {
            String name = entry.getKey();
            NDArray weight = parameters.get(name);
            NDArray gradient = entry.getValue();
            if (gradientScale != null) {
                gradient.muli(gradientScale);
            }
            float decay = decayOf(name);
            // adamw = true: decoupled decay w *= 1 - lr * decay before the moment update, as torch.optim.AdamW.
            // The engine's update clones the gradient (and zeroes the weight's own, which it has none of).
            weight.getNDArrayInternal().adamUpdate(new NDList(weight, gradient, first(name, weight),
                            second(name, weight)), new NDList(weight), (float) learningRate, correctedRate, decay, 1f,
                    -1f, (float) BETA1, (float) BETA2, correctedEpsilon, false, true);
        }
    }

    /** The same update with in-place array operations; see {@link InPlaceAdamWStep}. */
    private void updateInPlace(Map<String, NDArray> parameters, Map<String, NDArray> gradients, double learningRate,
            NDArray gradientScale, float correctedRate, float correctedEpsilon) {
        try (NDManager scalars = stateManager.newSubManager()) {
            NDArray oneMinusBeta1 = scalars.create((float) (1 - BETA1));
            InPlaceAdamWStep update = new InPlaceAdamWStep(
                    scalars.create((float) (1 - learningRate * weightDecay)),
                    gradientScale == null ? oneMinusBeta1 : oneMinusBeta1.mul(gradientScale),
                    scalars.create((float) BETA1),
                    scalars.create((float) ((1 - BETA2) / ((1 - BETA1) * (1 - BETA1)))),
                    scalars.create((float) BETA2),
                    scalars.create(correctedEpsilon),
                    scalars.create(correctedRate),
                    scalars.create(0f));
            for (Map.Entry<String, NDArray> entry : gradients.entrySet()) {
                String name = entry.getKey();
                NDArray weight = parameters.get(name);
                update.apply(weight, entry.getValue(), first(name, weight), second(name, weight),
                        decayOf(name) != 0f);
            }
        }
    }

    private NDArray first(String name, NDArray weight) {
        return firstMoments.computeIfAbsent(name, key -> stateManager.zeros(weight.getShape()));
    }

    private NDArray second(String name, NDArray weight) {
        return secondMoments.computeIfAbsent(name, key -> stateManager.zeros(weight.getShape()));
    }

    private float decayOf(String name) {
        return weightDecay > 0 && decays(name) ? (float) weightDecay : 0f;
    }

    /**
     * The Hugging Face Trainer exempts biases and norm weights from weight decay: names matching its patterns
     * ({@code get_decay_parameter_names}: bias, layernorm, rmsnorm, a {@code norm} segment, {@code _norm}), which
     * cover the Llama family's RMSNorms ({@code input_layernorm}, {@code model.norm}, Qwen3's {@code q_norm}), and
     * the weights of {@code nn.LayerNorm} modules whatever their name (GPT-2's {@code ln_1}, {@code ln_f}).
     */
    static boolean decays(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !(NO_DECAY.matcher(lower).find() || lower.contains(".ln_"));
    }
}
