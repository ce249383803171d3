package io.modelcat.runner.finetune;

import io.micronaut.context.annotation.Value;
import io.micronaut.json.JsonMapper;
import io.modelcat.datasets.Split;
import io.modelcat.datasets.SplitPlan;
import io.modelcat.jobs.JobKind;
import io.modelcat.ml.arch.Task;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.CausalLmBatches;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.LabeledPair;
import io.modelcat.ml.train.LabeledText;
import io.modelcat.ml.train.LabeledTokens;
import io.modelcat.ml.train.SentencePairClassificationBatches;
import io.modelcat.ml.train.TokenClassificationBatches;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.ml.train.TrainingProgress;
import io.modelcat.runner.data.DatasetRef;
import io.modelcat.runner.data.ExampleSet;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.evaluate.Devices;
import io.modelcat.runner.evaluate.LabelSpace;
import io.modelcat.runner.evaluate.ModelEvaluator;
import io.modelcat.runner.execute.JobCancelledException;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.runner.metrics.MetricRecorder;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fine-tunes a model version on training data: splits off validation and test rows when they were
 * not given (seeded, stratified by label), trains with the engine on the job's device recording
 * loss, learning rate and throughput per step and validation metrics per epoch, saves a checkpoint
 * after every epoch (a later attempt continues from it), stops early when validation stops
 * improving, and finally evaluates the best model on the test split and keeps it as the job's output.
 */
@Singleton
public class FinetuneHandler implements JobHandler {

    /** DJL's gradient collection is process-wide: one training at a time per runner. */
    private static final ReentrantLock TRAINING = new ReentrantLock();
    private static final int STEP_METRICS_EVERY = 5;

    private final MetricRecorder recorder;
    private final JsonMapper json;
    private final Path datasetsDir;
    private final Path outputRoot;

    public FinetuneHandler(MetricRecorder recorder, JsonMapper json,
                           @Value("${modelcat.datasets.dir}") String datasetsDir,
                           @Value("${modelcat.home}") String home) {
        this.recorder = recorder;
        this.json = json;
        this.datasetsDir = Path.of(datasetsDir);
        this.outputRoot = Path.of(home, "models", "finetuned");
    }

    @Override
    public JobKind kind() {
        return JobKind.FINETUNE;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> run(JobContext context) throws InterruptedException {
        Map<String, Object> params = context.params();
        String task = (String) params.get("task");
        Map<String, String> mapping = (Map<String, String>) params.get("mapping");
        Path baseDir = Path.of(URI.create((String) params.get("artifactUri")));
        Hyperparameters h = Hyperparameters.from((Map<String, Object>) params.get("hyperparameters"));
        DatasetRef trainRef = DatasetRef.from(params.get("train"));
        DatasetRef validationRef = DatasetRef.from(params.get("validation"));
        DatasetRef testRef = DatasetRef.from(params.get("test"));

        Splits splits = splits(context, task, mapping, h, trainRef, validationRef, testRef);
        List<String> labels = labels(task, splits);
        Checkpoints checkpoints = new Checkpoints(context.workDirectory(), json);
        TrainingState state = checkpoints.state().orElse(null);
        if (state != null) {
            context.log("INFO", "Continuing from the checkpoint of epoch " + state.epochsDone() + " (step "
                    + state.stepsDone() + ")", Map.of("epochsDone", state.epochsDone()));
            labels = state.labels();
        }

        while (!TRAINING.tryLock(1, TimeUnit.SECONDS)) {
            context.stopIfCancelled();
        }
        try {
            train(context, task, h, baseDir, labels, splits, checkpoints, state);
        } finally {
            TRAINING.unlock();
        }
        context.stopIfCancelled();

        TrainingState finalState = checkpoints.state().orElseThrow();
        Path chosen = java.nio.file.Files.isDirectory(checkpoints.best()) ? checkpoints.best() : checkpoints.last();
        Path output = outputRoot.resolve(context.jobId().toString());
        Checkpoints.publish(chosen, output);
        context.log("INFO", "Saved the fine-tuned model to " + output, Map.of());

        Map<String, Double> testMetrics = Map.of();
        if (!splits.test().isEmpty()) {
            context.progress(0.95, Map.of("phase", "testing", "rows", splits.test().size()));
            try (TransformerModel tuned = ModelLoader.load(output, Devices.of(context))) {
                ModelEvaluator.Outcome outcome = new ModelEvaluator(h.batchSize(), h.maxSequenceLength())
                        .evaluate(tuned, task, splits.test());
                testMetrics = outcome.metrics();
                // The fine-tuned model has no version until it is registered; registering attaches these figures.
                recorder.record(subject(context, null, splits.testDataset(), task), "test", testMetrics, null, null);
                recorder.predictions(context.jobId(), outcome.sample());
                context.log("INFO", "Test metrics: " + testMetrics, Map.of());
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("outputUri", output.toUri().toString());
        result.put("metrics", testMetrics);
        result.put("splits", Map.of("train", splits.train().size(), "validation", splits.validation().size(),
                "test", splits.test().size()));
        result.put("epochsRun", finalState.epochsDone());
        result.put("stoppedEarly", finalState.stoppedEarly());
        result.put("labels", labels);
        result.put("badRows", splits.badRows());
        return result;
    }

    private void train(JobContext context, String task, Hyperparameters h, Path baseDir, List<String> labels,
                       Splits splits, Checkpoints checkpoints, TrainingState resumed) {
        int epochsDone = resumed == null ? 0 : resumed.epochsDone();
        if (resumed != null && (resumed.stoppedEarly() || epochsDone >= h.epochs())) {
            return;
        }
        try (TransformerModel model = load(context, task, h, baseDir, labels, checkpoints, resumed)) {
            TrainingConfig config = h.training(h.epochs() - epochsDone, epochsDone, model.maxSequenceLength());
            int stepsPerEpoch = (splits.train().size() + h.batchSize() - 1) / h.batchSize();
            EpochListener listener = new EpochListener(context, task, h, model, splits, checkpoints, resumed,
                    stepsPerEpoch, labels);
            context.log("INFO", "Training on " + splits.train().size() + " rows for " + (h.epochs() - epochsDone)
                    + " epoch(s) on " + model.device(), Map.of("batchSize", h.batchSize(), "learningRate", h.learningRate()));
            FineTuner tuner = new FineTuner(config, listener);
            switch (task) {
                case "text-classification" -> {
                    LabelSpace space = LabelSpace.of(labels, labels);
                    if (splits.train().stream().anyMatch(e -> e.secondText() != null)) {
                        List<LabeledPair> pairs = splits.train().stream().map(e -> new LabeledPair(e.text(),
                                e.secondText() == null ? "" : e.secondText(), space.idOf(e.label()))).toList();
                        tuner.train(model, pairs, new SentencePairClassificationBatches(model.tokenizer(), labels.size(),
                                config.maxSequenceLength()));
                    } else {
                        tuner.trainSequenceClassification(model, splits.train().stream()
                                .map(e -> new LabeledText(e.text(), space.idOf(e.label()))).toList());
                    }
                }
                case "token-classification" -> {
                    List<LabeledTokens> tagged = splits.train().stream().map(e -> new LabeledTokens(e.words(),
                            e.tags().stream().map(labels::indexOf).toList())).toList();
                    tuner.train(model, tagged, new TokenClassificationBatches(model.tokenizer(), labels.size(),
                            config.maxSequenceLength()));
                }
                case "text-generation" -> tuner.train(model, splits.train().stream().map(TaskExample::text).toList(),
                        new CausalLmBatches(model.tokenizer(), model.config().requiredInt("vocab_size"),
                                config.maxSequenceLength()));
                default -> throw new IllegalArgumentException("fine-tuning task '" + task + "' is not supported");
            }
            if (context.cancelled()) {
                throw new JobCancelledException();
            }
        }
    }

    private static TransformerModel load(JobContext context, String task, Hyperparameters h, Path baseDir,
                                         List<String> labels, Checkpoints checkpoints, TrainingState resumed) {
        if (resumed != null) {
            return ModelLoader.load(checkpoints.last(), Devices.of(context));
        }
        return switch (task) {
            case "text-generation" -> ModelLoader.load(baseDir, Devices.of(context));
            case "token-classification" -> ModelLoader.load(baseDir,
                    new HeadRequest(Task.TOKEN_CLASSIFICATION, labels, h.seed()), Devices.of(context));
            default -> ModelLoader.load(baseDir, new HeadRequest(Task.SEQUENCE_CLASSIFICATION, labels, h.seed()),
                    Devices.of(context));
        };
    }

    /** Records the series, validates and checkpoints at each epoch's end, and decides early stopping. */
    private final class EpochListener implements TrainingListener {

        private final JobContext context;
        private final String task;
        private final Hyperparameters h;
        private final TransformerModel model;
        private final Splits splits;
        private final Checkpoints checkpoints;
        private final int stepsPerEpoch;
        private final List<String> labels;
        private final int epochsBefore;
        private final int stepsBefore;
        private final long startedNanos = System.nanoTime();
        private Double best;
        private int withoutImprovement;
        private boolean stopEarly;

        EpochListener(JobContext context, String task, Hyperparameters h, TransformerModel model, Splits splits,
                      Checkpoints checkpoints, TrainingState resumed, int stepsPerEpoch, List<String> labels) {
            this.context = context;
            this.task = task;
            this.h = h;
            this.model = model;
            this.splits = splits;
            this.checkpoints = checkpoints;
            this.stepsPerEpoch = stepsPerEpoch;
            this.labels = labels;
            this.epochsBefore = resumed == null ? 0 : resumed.epochsDone();
            this.stepsBefore = resumed == null ? 0 : resumed.stepsDone();
            this.best = resumed == null ? null : resumed.bestValidation();
            this.withoutImprovement = resumed == null ? 0 : resumed.epochsWithoutImprovement();
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
                recorder.record(subject(context, null, splits.trainDataset(), task), "train", values, step, epoch);
            }
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
                ModelEvaluator.Outcome outcome = new ModelEvaluator(h.batchSize(), h.maxSequenceLength())
                        .evaluate(model, task, splits.validation());
                recorder.record(subject(context, null, splits.validationDataset(), task), "validation",
                        outcome.metrics(), null, epoch);
                double figure = monitored(outcome.metrics());
                improved = best == null || (lowerIsBetter() ? figure < best : figure > best);
                if (improved) {
                    best = figure;
                    withoutImprovement = 0;
                } else {
                    withoutImprovement++;
                }
                context.log("INFO", "Epoch " + epoch + ": mean training loss " + round(meanLoss) + ", validation "
                        + outcome.metrics(), Map.of("epoch", epoch));
                stopEarly = h.earlyStoppingPatience() != null && withoutImprovement >= h.earlyStoppingPatience();
            } else {
                context.log("INFO", "Epoch " + epoch + ": mean training loss " + round(meanLoss), Map.of("epoch", epoch));
            }
            recorder.record(subject(context, null, splits.trainDataset(), task), "train",
                    Map.of("epoch_loss", meanLoss), null, epoch);
            checkpoints.save(model, new TrainingState(epoch, stepsBefore + epochOfRun * stepsPerEpoch, labels, best,
                    withoutImprovement, stopEarly), improved);
            if (stopEarly) {
                context.log("INFO", "Stopping early: validation has not improved for " + withoutImprovement
                        + " epoch(s)", Map.of());
            }
        }

        @Override
        public boolean stopRequested() {
            return stopEarly || context.cancelled();
        }

        private double monitored(Map<String, Double> metrics) {
            return switch (task) {
                case "text-classification" -> metrics.get("f1_macro");
                case "token-classification" -> metrics.get("f1");
                default -> metrics.get("loss");
            };
        }

        private boolean lowerIsBetter() {
            return "text-generation".equals(task);
        }
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }

    private static MetricRecorder.Subject subject(JobContext context, UUID versionId, UUID datasetId, String task) {
        return new MetricRecorder.Subject(context.jobId(), versionId, datasetId, task);
    }

    /** Train, validation and test rows, each either given or held out of the training data. */
    private record Splits(List<TaskExample> train, List<TaskExample> validation, List<TaskExample> test,
                          UUID trainDataset, UUID validationDataset, UUID testDataset, long badRows) {
    }

    private Splits splits(JobContext context, String task, Map<String, String> mapping, Hyperparameters h,
                          DatasetRef trainRef, DatasetRef validationRef, DatasetRef testRef) {
        ExampleSet train = read(context, trainRef, task, mapping, "training");
        ExampleSet validation = validationRef == null ? null : read(context, validationRef, task, mapping, "validation");
        ExampleSet test = testRef == null ? null : read(context, testRef, task, mapping, "test");
        List<TaskExample> rows = train.examples();
        SplitPlan plan = "text-classification".equals(task)
                ? SplitPlan.stratified(rows.stream().map(TaskExample::label).toList(), validation != null, test != null, h.seed())
                : SplitPlan.random(rows.size(), validation != null, test != null, h.seed());
        List<TaskExample> trainRows = pick(rows, plan.rows(Split.TRAIN));
        List<TaskExample> validationRows = validation != null ? validation.examples() : pick(rows, plan.rows(Split.VALIDATION));
        List<TaskExample> testRows = test != null ? test.examples() : pick(rows, plan.rows(Split.TEST));
        if (trainRows.isEmpty()) {
            throw new IllegalArgumentException("the training data has no usable rows");
        }
        context.log("INFO", "Splits: " + trainRows.size() + " train, " + validationRows.size() + " validation, "
                + testRows.size() + " test" + (validation == null || test == null ? " (seed " + h.seed() + ")" : ""),
                Map.of("train", trainRows.size(), "validation", validationRows.size(), "test", testRows.size()));
        long bad = train.badRows() + (validation == null ? 0 : validation.badRows()) + (test == null ? 0 : test.badRows());
        return new Splits(trainRows, validationRows, testRows, trainRef.id(),
                validationRef == null ? trainRef.id() : validationRef.id(), testRef == null ? trainRef.id() : testRef.id(), bad);
    }

    private ExampleSet read(JobContext context, DatasetRef ref, String task, Map<String, String> mapping, String role) {
        ExampleSet set = ExampleSet.read(ref.resolveIn(datasetsDir), ref, task, mapping);
        if (set.badRows() > 0) {
            context.log("WARN", set.badRows() + " " + role + " rows could not be used",
                    Map.of("examples", set.badRowReasons()));
        }
        return set;
    }

    private static List<TaskExample> pick(List<TaskExample> rows, int[] indexes) {
        List<TaskExample> picked = new ArrayList<>(indexes.length);
        for (int index : indexes) {
            picked.add(rows.get(index));
        }
        return picked;
    }

    private static List<String> labels(String task, Splits splits) {
        List<TaskExample> all = new ArrayList<>(splits.train());
        all.addAll(splits.validation());
        all.addAll(splits.test());
        return switch (task) {
            case "text-classification" -> LabelSpace.labelsFor(all.stream().map(TaskExample::label).toList());
            case "token-classification" -> {
                TreeSet<String> tags = new TreeSet<>();
                all.forEach(e -> tags.addAll(e.tags()));
                List<String> ordered = new ArrayList<>();
                if (tags.remove("O")) {
                    ordered.add("O");
                }
                ordered.addAll(tags);
                yield ordered;
            }
            default -> List.of();
        };
    }
}
