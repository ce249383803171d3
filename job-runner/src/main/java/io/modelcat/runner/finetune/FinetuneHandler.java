package io.modelcat.runner.finetune;

import io.micronaut.context.annotation.Value;
import io.micronaut.json.JsonMapper;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.FinetuneResult;
import io.modelcat.jobs.spec.FinetuneSpec;
import io.modelcat.jobs.spec.Hyperparameters;
import io.modelcat.ml.model.LoraAdapters;
import io.modelcat.runner.execute.JobCancelledException;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.runner.metrics.MetricRecorder;
import io.modelcat.runner.telemetry.JobMeters;
import io.modelcat.runner.task.Evaluation;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Fine-tunes a model version on training data: splits off validation and test rows when they were not
 * given ({@link TrainingSplits}), trains with the engine on the job's device (a model with a task head, or an
 * encoder-decoder that learns to generate the summary or translation: {@link Tuning}) ({@link FinetuneListener}
 * records the series, validates, checkpoints and stops early), continues from the last checkpoint when an
 * earlier attempt left one, and finally keeps the best model as the job's output and evaluates it on the
 * test rows.
 */
@Singleton
public class FinetuneHandler implements JobHandler<FinetuneSpec> {

    private final MetricRecorder recorder;
    private final JsonMapper json;
    private final Path datasetsDir;
    private final Path outputRoot;
    private final JobMeters meters;

    public FinetuneHandler(MetricRecorder recorder, JsonMapper json, JobMeters meters,
                           @Value("${modelcat.datasets.dir}") String datasetsDir,
                           @Value("${modelcat.home}") String home) {
        this.recorder = recorder;
        this.json = json;
        this.meters = meters;
        this.datasetsDir = Path.of(datasetsDir);
        this.outputRoot = Path.of(home, "models", "finetuned");
    }

    @Override
    public JobKind kind() {
        return JobKind.FINETUNE;
    }

    @Override
    public Class<FinetuneSpec> specType() {
        return FinetuneSpec.class;
    }

    @Override
    public FinetuneResult run(FinetuneSpec spec, JobContext context) {
        Tuning tuning = Tuning.of(spec);
        TrainingSplits splits = TrainingSplits.read(spec, tuning, datasetsDir, context);
        List<String> labels = tuning.labels(splits.all());
        Checkpoints checkpoints = new Checkpoints(context.workDirectory(), json);
        TrainingState state = checkpoints.state().orElse(null);
        if (state != null) {
            context.log("INFO", "Continuing from the checkpoint of epoch " + state.epochsDone() + " (step "
                    + state.stepsDone() + ")", Map.of("epochsDone", state.epochsDone()));
            labels = state.labels();
        }
        train(spec, tuning, context, labels, splits, checkpoints, state);
        context.stopIfCancelled();

        TrainingState finalState = checkpoints.state().orElseThrow();
        Path chosen = Files.isDirectory(checkpoints.best()) ? checkpoints.best() : checkpoints.last();
        // The layers adapted, as the adapter's own config says (the defaults of the architecture, when not given).
        List<String> loraTargets = Files.isRegularFile(chosen.resolve(LoraAdapters.CONFIG_FILE))
                ? LoraAdapters.readSpec(chosen).targetModules() : null;
        Path output = outputRoot.resolve(context.jobId().toString());
        if (loraTargets != null && spec.hyperparameters().loraMerge()) {
            // The adapter (with its base) loads from the checkpoint, merges, and is written whole.
            List<String> headLabels = labels;
            Checkpoints.publishWritten(output, folder -> {
                try (TunedModel adapted = tuning.load(chosen, headLabels, context.device())) {
                    adapted.saveMerged(folder);
                }
            });
            context.log("INFO", "Merged the LoRA adapter into the base model's weights and saved the whole model to "
                    + output, Map.of("loraMerge", true));
        } else {
            Checkpoints.publish(chosen, output);
            context.log("INFO", "Saved the fine-tuned model to " + output, Map.of());
        }

        Map<String, Double> testMetrics = Map.of();
        if (!splits.test().isEmpty()) {
            context.progress(0.95, Map.of("phase", "testing", "rows", splits.test().size()));
            try (TunedModel tuned = tuning.load(output, labels, context.device())) {
                Hyperparameters h = spec.hyperparameters();
                Evaluation test = tuned.evaluate(splits.test(), h.batchSize(), h.maxSequenceLength());
                testMetrics = test.metrics();
                // The fine-tuned model has no version until it is registered; registering attaches these figures.
                recorder.record(new MetricRecorder.Subject(context.jobId(), null, splits.testDataset(),
                        spec.task().wireName()), "test", testMetrics, null, null);
                recorder.predictions(context.jobId(), test.sample());
                context.log("INFO", "Test metrics: " + testMetrics, Map.of());
            }
        }
        return new FinetuneResult(output.toUri().toString(), testMetrics,
                new FinetuneResult.Splits(splits.train().size(), splits.validation().size(), splits.test().size()),
                finalState.epochsDone(), finalState.stoppedEarly(), labels, splits.badRows(), loraTargets);
    }

    private void train(FinetuneSpec spec, Tuning tuning, JobContext context, List<String> labels,
                       TrainingSplits splits, Checkpoints checkpoints, TrainingState resumed) {
        Hyperparameters h = spec.hyperparameters();
        int epochsDone = resumed == null ? 0 : resumed.epochsDone();
        if (resumed != null && (resumed.stoppedEarly() || epochsDone >= h.epochs())) {
            return;
        }
        try (TunedModel model = resumed != null ? tuning.load(checkpoints.last(), labels, context.device())
                : tuning.base(Path.of(URI.create(spec.artifactUri())), labels, h, context.device(),
                        (message, fields) -> context.log("INFO", message, fields))) {
            EarlyStopping stopping = new EarlyStopping(spec.task().earlyStoppingMetric().orElseThrow(),
                    h.earlyStoppingPatience(), resumed == null ? null : resumed.bestValidation(),
                    resumed == null ? 0 : resumed.epochsWithoutImprovement());
            FinetuneListener listener = new FinetuneListener(context, recorder, meters, spec.task(), h, model, splits,
                    checkpoints, stopping, labels, resumed);
            context.log("INFO", "Training on " + splits.train().size() + " rows for " + (h.epochs() - epochsDone)
                    + " epoch(s) on " + model.device(), Map.of("batchSize", h.batchSize(), "learningRate", h.learningRate()));
            var config = TrainingSettings.of(h, epochsDone, model.maxSequenceLength());
            model.train(config, listener, splits.train());
            if (context.cancelled()) {
                throw new JobCancelledException();
            }
        }
    }
}
