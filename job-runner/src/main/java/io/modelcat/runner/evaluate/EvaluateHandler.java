package io.modelcat.runner.evaluate;

import ai.djl.Device;
import io.micronaut.context.annotation.Value;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.EvaluateResult;
import io.modelcat.jobs.spec.EvaluateSpec;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.data.ExampleSet;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.runner.metrics.MetricRecorder;
import io.modelcat.runner.task.EvaluatedTask;
import io.modelcat.runner.task.RowReader;
import io.modelcat.runner.task.Evaluation;
import io.modelcat.runner.task.TaskModels;
import io.modelcat.runner.task.TaskRecipes;
import io.modelcat.runner.task.TextToTextTask;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Evaluates a model version on a test dataset: reads the rows through the column mapping, runs the
 * model in batches on the job's device, and records the task's metrics and a prediction sample.
 */
@Singleton
public class EvaluateHandler implements JobHandler<EvaluateSpec> {

    private final MetricRecorder recorder;
    private final Path datasetsDir;

    public EvaluateHandler(MetricRecorder recorder, @Value("${modelcat.datasets.dir}") String datasetsDir) {
        this.recorder = recorder;
        this.datasetsDir = Path.of(datasetsDir);
    }

    @Override
    public JobKind kind() {
        return JobKind.EVALUATE;
    }

    @Override
    public Class<EvaluateSpec> specType() {
        return EvaluateSpec.class;
    }

    @Override
    public EvaluateResult run(EvaluateSpec spec, JobContext context) {
        RowReader reader = TaskRecipes.rows(spec.task());
        context.log("Reading dataset " + spec.dataset().id());
        ExampleSet data = ExampleSet.read(datasetsDir, spec.dataset(), reader, spec.mapping());
        if (data.badRows() > 0) {
            context.log("WARN", data.badRows() + " rows could not be used", Map.of("examples", data.badRowReasons()));
        }
        int rows = data.examples().size();
        context.progress(0.1, Map.of("phase", "loading model", "rows", rows));
        context.stopIfCancelled();
        Path modelDir = Path.of(URI.create(spec.artifactUri()));
        Optional<TextToTextTask> textToText = TaskRecipes.textToText(spec.task(), JobKind.EVALUATE);
        Evaluation evaluation;
        if (textToText.isPresent()) {
            try (TextToTextModel model = TextToTextModel.load(modelDir, context.device())) {
                evaluation = evaluating(context, rows, model.device(), () -> textToText.get().evaluate(model,
                        data.examples(), new TextToTextTask.Languages(spec.sourceLanguage(), spec.targetLanguage()),
                        spec.batchSize(), spec.maxSequenceLength()));
            }
        } else {
            EvaluatedTask recipe = TaskRecipes.evaluated(spec.task());
            try (TransformerModel model = TaskModels.forEvaluation(modelDir, recipe, data.examples(), context.device(),
                    message -> context.log("INFO", message, Map.of()))) {
                evaluation = evaluating(context, rows, model.device(), () -> TaskModels.evaluate(model, recipe,
                        data.examples(), spec.batchSize(), spec.maxSequenceLength()));
            }
        }
        recorder.record(new MetricRecorder.Subject(context.jobId(), spec.modelVersionId(), spec.dataset().id(),
                spec.task().wireName()), "test", evaluation.metrics(), null, null);
        recorder.predictions(context.jobId(), evaluation.sample());
        context.log("INFO", "Metrics: " + evaluation.metrics(), Map.of());
        context.progress(1.0, Map.of("phase", "done", "rows", rows));
        return new EvaluateResult(evaluation.metrics(), rows, data.badRows());
    }

    private static Evaluation evaluating(JobContext context, int rows, Device device, Supplier<Evaluation> work) {
        context.log("Evaluating " + rows + " rows on " + device);
        context.progress(0.2, Map.of("phase", "evaluating", "rows", rows));
        Evaluation evaluation = work.get();
        context.stopIfCancelled();
        return evaluation;
    }
}
