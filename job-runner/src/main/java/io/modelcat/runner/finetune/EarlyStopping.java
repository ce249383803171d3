package io.modelcat.runner.finetune;

import io.modelcat.jobs.task.Metric;

/**
 * Watches a task's early-stopping metric on the validation data once per epoch: remembers the best value,
 * counts the epochs since it last improved, and says when {@code patience} of them have passed. Restored
 * from a checkpoint's {@link TrainingState} when a fine-tune continues.
 */
final class EarlyStopping {

    private final Metric metric;
    private final Integer patience;
    private Double best;
    private int withoutImprovement;

    /**
     * @param patience epochs without improvement before stopping; null never stops (the best epoch is
     *     still tracked, for the {@code best/} checkpoint)
     */
    EarlyStopping(Metric metric, Integer patience, Double best, int withoutImprovement) {
        this.metric = metric;
        this.patience = patience;
        this.best = best;
        this.withoutImprovement = withoutImprovement;
    }

    /** Records an epoch's value; true when it is the best so far (strictly better, or the first). */
    boolean observe(double value) {
        boolean improved = best == null || metric.direction().better(value, best);
        if (improved) {
            best = value;
            withoutImprovement = 0;
        } else {
            withoutImprovement++;
        }
        return improved;
    }

    boolean shouldStop() {
        return patience != null && withoutImprovement >= patience;
    }

    Metric metric() {
        return metric;
    }

    Double best() {
        return best;
    }

    int epochsWithoutImprovement() {
        return withoutImprovement;
    }
}
