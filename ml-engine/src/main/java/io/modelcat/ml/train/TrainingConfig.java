package io.modelcat.ml.train;

/**
 * Fine-tuning hyper-parameters, named and defaulted like the Hugging Face {@code Trainer}'s.
 *
 * @param epochs passes over the training examples
 * @param batchSize examples per optimizer step
 * @param learningRate peak learning rate reached after warm-up
 * @param weightDecay AdamW decoupled weight decay; not applied to biases and LayerNorm weights
 * @param warmupRatio fraction of all steps spent rising linearly from 0 to the peak
 * @param maxGradNorm clip the global gradient L2 norm to this; 0 disables clipping
 * @param seed seeds shuffling, dropout and new head weights
 * @param maxSequenceLength longer tokenised texts are truncated
 */
public record TrainingConfig(int epochs, int batchSize, double learningRate, double weightDecay, double warmupRatio,
        double maxGradNorm, long seed, int maxSequenceLength) {

    public TrainingConfig {
        if (epochs < 1 || batchSize < 1 || maxSequenceLength < 2) {
            throw new IllegalArgumentException("epochs, batch size and max sequence length must be positive");
        }
        if (!(learningRate > 0) || weightDecay < 0 || warmupRatio < 0 || warmupRatio > 1 || maxGradNorm < 0) {
            throw new IllegalArgumentException("invalid learning rate, weight decay, warm-up ratio or clip norm");
        }
    }

    /** The Hugging Face {@code TrainingArguments} defaults: 3 epochs, batch 8, 5e-5, no decay, clip 1.0. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(3, 8, 5e-5, 0.0, 0.0, 1.0, 42, 128);
    }

    public TrainingConfig withEpochs(int value) {
        return new TrainingConfig(value, batchSize, learningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                maxSequenceLength);
    }

    public TrainingConfig withBatchSize(int value) {
        return new TrainingConfig(epochs, value, learningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                maxSequenceLength);
    }

    public TrainingConfig withLearningRate(double value) {
        return new TrainingConfig(epochs, batchSize, value, weightDecay, warmupRatio, maxGradNorm, seed,
                maxSequenceLength);
    }

    public TrainingConfig withWeightDecay(double value) {
        return new TrainingConfig(epochs, batchSize, learningRate, value, warmupRatio, maxGradNorm, seed,
                maxSequenceLength);
    }

    public TrainingConfig withWarmupRatio(double value) {
        return new TrainingConfig(epochs, batchSize, learningRate, weightDecay, value, maxGradNorm, seed,
                maxSequenceLength);
    }

    public TrainingConfig withMaxGradNorm(double value) {
        return new TrainingConfig(epochs, batchSize, learningRate, weightDecay, warmupRatio, value, seed,
                maxSequenceLength);
    }

    public TrainingConfig withSeed(long value) {
        return new TrainingConfig(epochs, batchSize, learningRate, weightDecay, warmupRatio, maxGradNorm, value,
                maxSequenceLength);
    }
}
