package io.modelcat.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.model.TransformerModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fine-tunes a {@link TransformerModel} in place: AdamW, linear warm-up and decay, global-norm
 * gradient clipping, shuffled mini-batches, a progress callback per step.
 *
 * <p>Each batch lives in its own sub-manager that is closed after the optimizer step, so memory
 * stays flat. DJL's PyTorch gradient collector is process-wide, so trainings in one process take turns:
 * a second one waits for the first, and gives up waiting when its listener asks it to stop.
 */
public final class FineTuner {

    private static final ReentrantLock TRAINING = new ReentrantLock();

    private final TrainingConfig config;
    private final TrainingListener listener;

    public FineTuner(TrainingConfig config, TrainingListener listener) {
        this.config = config;
        this.listener = listener;
    }

    /** Sequence classification on the model's own tokenizer and label set. */
    public TrainingResult trainSequenceClassification(TransformerModel model, List<LabeledText> examples) {
        return train(model, examples, new SequenceClassificationBatches(model.tokenizer(), model.labels().size(),
                model.fitSequenceLength(config.maxSequenceLength())));
    }

    /**
     * Trains on any task whose examples {@code encoder} turns into inputs and one-hot targets; the
     * encoder also decides the sequence length (cap it with {@link TransformerModel#fitSequenceLength}).
     */
    public <T> TrainingResult train(TransformerModel model, List<T> examples, BatchEncoder<T> encoder) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        long started = System.nanoTime();
        if (!takeTurn(listener)) {
            return new TrainingResult(0, Double.NaN, Double.NaN, List.of(), (System.nanoTime() - started) / 1e9, true);
        }
        try {
            return trainAlone(model, examples, encoder, started);
        } finally {
            endTurn();
        }
    }

    /**
     * Waits until no other training of this process runs (any model: the gradient collector is process-wide); false
     * when {@code listener} asks to stop or the thread is interrupted while waiting. A true answer holds the turn
     * until {@link #endTurn()}.
     */
    static boolean takeTurn(TrainingListener listener) {
        try {
            while (!TRAINING.tryLock(1, TimeUnit.SECONDS)) {
                if (listener.stopRequested()) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends the turn {@link #takeTurn} gave. */
    static void endTurn() {
        TRAINING.unlock();
    }

    private <T> TrainingResult trainAlone(TransformerModel model, List<T> examples, BatchEncoder<T> encoder,
            long started) {
        Engine engine = model.manager().getEngine();
        engine.setRandomSeed((int) config.seed());
        Random shuffler = new Random(config.seed());
        int stepsPerEpoch = (examples.size() + config.batchSize() - 1) / config.batchSize();
        int totalSteps = stepsPerEpoch * config.epochs();
        LinearWarmupDecay schedule = new LinearWarmupDecay(config.learningRate(),
                (int) Math.ceil(config.warmupRatio() * totalSteps), totalSteps);
        List<Integer> order = new ArrayList<>();
        for (int index = 0; index < examples.size(); index++) {
            order.add(index);
        }
        List<Double> epochLosses = new ArrayList<>();
        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        int step = 0;
        boolean stopped = false;
        try (NDManager optimizerState = model.manager().newSubManager()) {
            AdamW optimizer = new AdamW(optimizerState, config.weightDecay());
            for (int epoch = 1; epoch <= config.epochs() && !stopped; epoch++) {
                Collections.shuffle(order, shuffler);
                double lossSum = 0;
                int stepsThisEpoch = 0;
                for (int start = 0; start < order.size() && !stopped; start += config.batchSize()) {
                    long stepStarted = System.nanoTime();
                    List<T> batch = new ArrayList<>();
                    for (int index : order.subList(start, Math.min(order.size(), start + config.batchSize()))) {
                        batch.add(examples.get(index));
                    }
                    double rate = schedule.rateAt(step);
                    double loss = optimizerStep(model, batch, encoder, optimizer, rate);
                    step++;
                    stepsThisEpoch++;
                    lossSum += loss;
                    firstLoss = Double.isNaN(firstLoss) ? loss : firstLoss;
                    lastLoss = loss;
                    double seconds = (System.nanoTime() - stepStarted) / 1e9;
                    listener.onStep(new TrainingProgress(step, totalSteps, epoch, loss, rate,
                            batch.size() / Math.max(seconds, 1e-9)));
                    stopped = listener.stopRequested();
                }
                if (stepsThisEpoch == stepsPerEpoch) {
                    double meanLoss = lossSum / stepsPerEpoch;
                    epochLosses.add(meanLoss);
                    listener.onEpochEnd(epoch, meanLoss);
                }
            }
        }
        return new TrainingResult(step, firstLoss, lastLoss, epochLosses, (System.nanoTime() - started) / 1e9,
                stopped);
    }

    private <T> double optimizerStep(TransformerModel model, List<T> batch, BatchEncoder<T> encoder, AdamW optimizer,
            double learningRate) {
        try (NDManager stepManager = model.manager().newSubManager()) {
            GradientStep gradients = GradientStep.compute(model, encoder.encode(batch, stepManager), stepManager,
                    () -> {});
            // Clipping scales the gradients inside the update, which reads each of them anyway. The
            // gradients belong to this step alone (see Weights.gradientScope) and die with its manager.
            NDArray clipping = config.maxGradNorm() > 0 ? gradients.clipFactor(config.maxGradNorm()) : null;
            optimizer.update(model.parameters(), gradients.byName(), learningRate, clipping);
            // Read only now: on a GPU the update is then already queued behind backward.
            double loss = gradients.loss();
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("training diverged: loss is " + loss);
            }
            return loss;
        }
    }
}
