package io.modelcat.ml.train;

/**
 * The learning rate rises linearly from 0 to the peak over the warm-up steps, then falls linearly
 * to 0 at the last step, like {@code transformers.get_linear_schedule_with_warmup}.
 */
public record LinearWarmupDecay(double peak, int warmupSteps, int totalSteps) {

    /** The rate for the optimizer step that follows {@code completedSteps} earlier steps. */
    public double rateAt(int completedSteps) {
        if (completedSteps < warmupSteps) {
            return peak * completedSteps / Math.max(1, warmupSteps);
        }
        return peak * Math.max(0.0, (double) (totalSteps - completedSteps) / Math.max(1, totalSteps - warmupSteps));
    }
}
