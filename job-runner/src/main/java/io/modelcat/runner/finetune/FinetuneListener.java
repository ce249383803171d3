package io.modelcat.runner.finetune;

import io.modelcat.jobs.spec.Hyperparameters;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.ml.train.TrainingProgress;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.metrics.MetricRecorder;
import io.modelcat.runner.telemetry.JobMeters;
import io.modelcat.runner.task.Evaluation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fine-tune's view of its training: records the step series, progress and the training meters, and at each epoch's end
 * evaluates on the validation rows, lets {@link EarlyStopping} judge the task's metric, and writes a
 * checkpoint (and {@code best/} when the epoch was the best so far). Counts continue those of a resumed run.
 */
final class FinetuneListener implements TrainingListener {

    private static final int STEP_METRICS_EVERY = 5;

    private final JobContext context;
    private final MetricRecorder recorder;
    private final JobMeters meters;
    private final Task task;
    private final Hyperparameters h;
    private final TunedModel model;
    private final TrainingSplits splits;
    private final Checkpoints checkpoints;
    private final EarlyStopping stopping;
    private final List<String> labels;
    private final int stepsPerEpoch;
    private final int epochsBefore;
    private final int stepsBefore;
    private final long startedNanos = System.nanoTime();
    private boolean stopEarly;

    FinetuneListener(JobContext context, MetricRecorder recorder, JobMeters meters, Task task, Hyperparameters h,
                     TunedModel model, TrainingSplits splits, Checkpoints checkpoints, EarlyStopping stopping,
                     List<String> labels, TrainingState resumed) {
        this.context = context;
        this.recorder = recorder;
        this.meters = meters;
        this.task = task;
        this.h = h;
        this.model = model;
        this.splits = splits;
        this.checkpoints = checkpoints;
        this.stopping = stopping;
        this.labels = labels;
        this.stepsPerEpoch = (splits.train().size() + h.batchSize() - 1) / h.batchSize();
        this.epochsBefore = resumed == null ? 0 : resumed.epochsDone();
        this.stepsBefore = resumed == null ? 0 : resumed.stepsDone();
    }

    @Override
    public void onStep(TrainingProgress p) {
        int step = stepsBefore + p.step();
        int epoch = epochsBefore + p.epoch();
        int totalSteps = stepsPerEpoch * h.epochs();
        if (p.step() % STEP_METRICS_EVERY == 0 || p.step() == p.totalSteps() || p.step() == 1) {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("loss", p.loss());
            values.put("learning_rate", p.learningRate());
            values.put("samples_per_second", p.samplesPerSecond());
            recorder.record(subject(splits.trainDataset()), "train", values, step, epoch);
        }
        meters.training(context.jobId(), p.samplesPerSecond(), p.loss());
        double elapsed = (System.nanoTime() - startedNanos) / 1e9;
        double remaining = p.step() == 0 ? 0 : elapsed / p.step() * (p.totalSteps() - p.step());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("phase", "training");
        detail.put("step", step);
        detail.put("totalSteps", totalSteps);
        detail.put("epoch", epoch);
        detail.put("epochs", h.epochs());
        detail.put("loss", p.loss());
        detail.put("learningRate", p.learningRate());
        detail.put("samplesPerSecond", p.samplesPerSecond());
        detail.put("etaSeconds", Math.round(remaining));
        context.progress(0.9 * step / Math.max(1, totalSteps), detail);
    }

    @Override
    public void onEpochEnd(int epochOfRun, double meanLoss) {
        int epoch = epochsBefore + epochOfRun;
        boolean improved = false;
        if (!splits.validation().isEmpty()) {
            Evaluation validation = model.evaluate(splits.validation(), h.batchSize(), h.maxSequenceLength());
            recorder.record(subject(splits.validationDataset()), "validation", validation.metrics(), null, epoch);
            improved = stopping.observe(validation.metrics().get(stopping.metric().name()));
            context.log("INFO", "Epoch " + epoch + ": mean training loss " + round(meanLoss) + ", validation "
                    + validation.metrics(), Map.of("epoch", epoch));
            stopEarly = stopping.shouldStop();
        } else {
            context.log("INFO", "Epoch " + epoch + ": mean training loss " + round(meanLoss), Map.of("epoch", epoch));
        }
        recorder.record(subject(splits.trainDataset()), "train", Map.of("epoch_loss", meanLoss), null, epoch);
        checkpoints.save(model::save, new TrainingState(epoch, stepsBefore + epochOfRun * stepsPerEpoch, labels,
                stopping.best(), stopping.epochsWithoutImprovement(), stopEarly), improved);
        if (stopEarly) {
            context.log("INFO", "Stopping early: validation " + stopping.metric().name() + " has not improved for "
                    + stopping.epochsWithoutImprovement() + " epoch(s)", Map.of());
        }
    }

    @Override
    public boolean stopRequested() {
        return stopEarly || context.cancelled();
    }

    private MetricRecorder.Subject subject(java.util.UUID datasetId) {
        return new MetricRecorder.Subject(context.jobId(), null, datasetId, task.wireName());
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
