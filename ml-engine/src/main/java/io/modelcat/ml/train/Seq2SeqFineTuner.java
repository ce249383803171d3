package io.modelcat.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.modelcat.ml.arch.Weights;
import io.modelcat.ml.model.Seq2SeqModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tunes an encoder-decoder ({@link Seq2SeqModel}) with teacher forcing, as transformers' seq2seq trainer does:
 * the decoder reads the target shifted right behind the decoder start token, and the loss is the mean cross-entropy of
 * its logits against the target ids (the end token included, padding ignored); AdamW with decoupled weight decay, a
 * linear warm-up and decay of the learning rate, and gradient clipping by global norm. Dropout is off (the network has
 * no training mode yet), so a step is deterministic. A {@link TrainingListener} hears each step and each completed
 * epoch and may stop the run after any step; trainings of one process take turns, as {@link FineTuner}'s do.
 */
public final class Seq2SeqFineTuner {

    private final TrainingConfig config;
    private final TrainingListener listener;

    public Seq2SeqFineTuner(TrainingConfig config) {
        this(config, TrainingListener.NONE);
    }

    public Seq2SeqFineTuner(TrainingConfig config, TrainingListener listener) {
        this.config = config;
        this.listener = listener;
    }

    /** A source and its target, both token ids; the target ends with the end token when the model should stop. */
    public record Pair(long[] source, long[] target) {
    }

    /** Trains in place and answers each step's loss, in order. */
    public List<Double> train(Seq2SeqModel model, List<Pair> pairs) {
        List<Double> losses = new ArrayList<>();
        run(model, pairs, () -> { }, losses);
        return losses;
    }

    /** As {@link #train(Seq2SeqModel, List)}; {@code beforeBackward} runs between forward and backward (tests force a GC). */
    List<Double> train(Seq2SeqModel model, List<Pair> pairs, Runnable beforeBackward) {
        List<Double> losses = new ArrayList<>();
        run(model, pairs, beforeBackward, losses);
        return losses;
    }

    /** Trains in place, telling the listener as it goes; what the run did, as {@link FineTuner} reports it. */
    public TrainingResult fit(Seq2SeqModel model, List<Pair> pairs) {
        return run(model, pairs, () -> { }, new ArrayList<>());
    }

    private TrainingResult run(Seq2SeqModel model, List<Pair> pairs, Runnable beforeBackward, List<Double> losses) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no pairs to train on");
        }
        long started = System.nanoTime();
        if (!FineTuner.takeTurn(listener)) {
            return new TrainingResult(0, Double.NaN, Double.NaN, List.of(), (System.nanoTime() - started) / 1e9, true);
        }
        try {
            return runAlone(model, pairs, beforeBackward, losses, started);
        } finally {
            FineTuner.endTurn();
        }
    }

    private TrainingResult runAlone(Seq2SeqModel model, List<Pair> pairs, Runnable beforeBackward, List<Double> losses,
            long started) {
        long pad = model.config().optionalLong("pad_token_id").orElse(0L);
        long start = model.config().optionalLong("decoder_start_token_id").orElse(pad);
        int vocabulary = model.config().requiredInt("vocab_size");
        int batchesPerEpoch = (pairs.size() + config.batchSize() - 1) / config.batchSize();
        int totalSteps = batchesPerEpoch * config.epochs();
        LinearWarmupDecay schedule = new LinearWarmupDecay(config.learningRate(),
                (int) Math.ceil(config.warmupRatio() * totalSteps), totalSteps);
        Random random = new Random(config.seed());
        List<Double> epochLosses = new ArrayList<>();
        boolean stopped = false;
        try (NDManager state = model.manager().newSubManager()) {
            AdamW optimizer = new AdamW(state, config.weightDecay());
            Map<String, NDArray> parameters = model.parameters();
            List<Pair> order = new ArrayList<>(pairs);
            for (int epoch = 1; epoch <= config.epochs() && !stopped; epoch++) {
                Collections.shuffle(order, random);
                double lossSum = 0;
                int stepsThisEpoch = 0;
                for (int first = 0; first < order.size() && !stopped; first += config.batchSize()) {
                    long stepStarted = System.nanoTime();
                    List<Pair> batch = order.subList(first, Math.min(order.size(), first + config.batchSize()));
                    double rate = schedule.rateAt(losses.size());
                    double loss = step(model, batch, pad, start, vocabulary, optimizer, parameters, rate,
                            beforeBackward);
                    losses.add(loss);
                    lossSum += loss;
                    stepsThisEpoch++;
                    double seconds = (System.nanoTime() - stepStarted) / 1e9;
                    listener.onStep(new TrainingProgress(losses.size(), totalSteps, epoch, loss, rate,
                            batch.size() / Math.max(seconds, 1e-9)));
                    stopped = listener.stopRequested();
                }
                if (stepsThisEpoch == batchesPerEpoch) {
                    double meanLoss = lossSum / batchesPerEpoch;
                    epochLosses.add(meanLoss);
                    listener.onEpochEnd(epoch, meanLoss);
                    stopped = stopped || listener.stopRequested();
                }
            }
        }
        return new TrainingResult(losses.size(), losses.isEmpty() ? Double.NaN : losses.get(0),
                losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1), epochLosses,
                (System.nanoTime() - started) / 1e9, stopped);
    }

    private double step(Seq2SeqModel model, List<Pair> batch, long pad, long start, int vocabulary, AdamW optimizer,
            Map<String, NDArray> parameters, double rate, Runnable beforeBackward) {
        try (NDManager step = model.manager().newSubManager()) {
            EncodedBatch encoded = encode(batch, pad, start, vocabulary, step);
            NDArray loss;
            Map<String, NDArray> gradients;
            try (Weights.GradientScope scope = model.gradientScope(step)) {
                try (GradientCollector collector = model.manager().getEngine().newGradientCollector()) {
                    NDArray mask = encoded.inputs().get(1);
                    NDArray encodedSource = model.network().encode(encoded.inputs().get(0), mask);
                    NDArray logits = model.network().logits(encoded.inputs().get(2), encodedSource, mask, null);
                    loss = CrossEntropyLoss.of(logits, encoded);
                    beforeBackward.run();
                    collector.backward(loss);
                }
                gradients = scope.gradients();
            }
            NDArray clip = config.maxGradNorm() > 0 ? clipFactor(gradients, config.maxGradNorm(), step) : null;
            optimizer.update(parameters, gradients, rate, clip);
            double value = loss.getFloat();
            if (!Double.isFinite(value)) {
                throw new IllegalStateException("training diverged: loss is " + value);
            }
            return value;
        }
    }

    /** Source ids and mask padded on the right, decoder inputs (start + target without its last id), targets. */
    private static EncodedBatch encode(List<Pair> batch, long pad, long start, int vocabulary, NDManager manager) {
        int sourceLength = batch.stream().mapToInt(pair -> pair.source().length).max().orElse(0);
        int targetLength = batch.stream().mapToInt(pair -> pair.target().length).max().orElse(0);
        long[][] ids = new long[batch.size()][sourceLength];
        long[][] mask = new long[batch.size()][sourceLength];
        long[][] decoderIds = new long[batch.size()][targetLength];
        Targets targets = new Targets(vocabulary, batch.size(), targetLength);
        for (int row = 0; row < batch.size(); row++) {
            long[] source = batch.get(row).source();
            long[] target = batch.get(row).target();
            Arrays.fill(ids[row], pad);
            System.arraycopy(source, 0, ids[row], 0, source.length);
            Arrays.fill(mask[row], 0, source.length, 1L);
            Arrays.fill(decoderIds[row], pad);
            decoderIds[row][0] = start;
            System.arraycopy(target, 0, decoderIds[row], 1, Math.max(0, target.length - 1));
            for (int position = 0; position < target.length; position++) {
                targets.set(row * targetLength + position, target[position]);
            }
        }
        return targets.batch(new NDList(manager.create(ids), manager.create(mask), manager.create(decoderIds)),
                manager);
    }

    /** min(1, maxNorm / (norm + 1e-6)) over all gradients together, as torch's clip_grad_norm_. */
    private static NDArray clipFactor(Map<String, NDArray> gradients, double maxNorm, NDManager step) {
        NDList norms = new NDList(gradients.size());
        for (NDArray gradient : gradients.values()) {
            norms.add(gradient.norm());
        }
        NDArray norm = ai.djl.ndarray.NDArrays.stack(norms).norm();
        return norm.add(step.create(1e-6f)).pow(step.create(-1f)).mul(step.create((float) maxNorm))
                .minimum(step.create(1f));
    }
}
