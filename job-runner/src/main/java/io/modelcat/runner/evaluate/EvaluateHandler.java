package io.modelcat.runner.evaluate;

import io.micronaut.context.annotation.Value;
import io.modelcat.jobs.JobKind;
import io.modelcat.ml.arch.Task;
import io.modelcat.ml.checkpoint.HfConfig;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.data.DatasetRef;
import io.modelcat.runner.data.ExampleSet;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import io.modelcat.runner.metrics.MetricRecorder;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Evaluates a model version on a test dataset: reads the rows through the column mapping, runs the
 * model in batches on the job's device, and registers the task's metrics and a prediction sample.
 */
@Singleton
public class EvaluateHandler implements JobHandler {

    private final MetricRecorder recorder;
    private final Path datasetsDir;

    public EvaluateHandler(MetricRecorder recorder, @Value("${modelcat.datasets.dir}") String datasetsDir) {
        this.recorder = recorder;
        this.datasetsDir = Path.of(datasetsDir);
    }

    /**
     * The model with a head for {@code task}: its own when the checkpoint has one, else a new head with the
     * dataset's labels, initialised as transformers does, so that a base model evaluates before fine-tuning
     * (at chance level) on the same terms as after.
     */
    static TransformerModel load(JobContext context, Path modelDir, String task, ExampleSet data) {
        Task wanted = switch (task) {
            case "text-classification" -> Task.SEQUENCE_CLASSIFICATION;
            case "token-classification" -> Task.TOKEN_CLASSIFICATION;
            default -> Task.CAUSAL_LM;
        };
        Task own = HfConfig.read(modelDir.resolve("config.json")).architecture()
                .flatMap(Task::fromTransformersClass).orElse(null);
        if (own == wanted || wanted == Task.CAUSAL_LM) {
            return ModelLoader.load(modelDir, Devices.of(context));
        }
        List<String> labels = wanted == Task.SEQUENCE_CLASSIFICATION
                ? LabelSpace.labelsFor(data.examples().stream().map(TaskExample::label).toList())
                : data.examples().stream().flatMap(e -> e.tags().stream()).distinct().sorted().toList();
        context.log("INFO", "The checkpoint has no " + task + " head; evaluating with a new, untrained one for labels "
                + labels, Map.of());
        return ModelLoader.load(modelDir, new HeadRequest(wanted, labels, 42), Devices.of(context));
    }

    @Override
    public JobKind kind() {
        return JobKind.EVALUATE;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> run(JobContext context) {
        Map<String, Object> params = context.params();
        String task = (String) params.get("task");
        DatasetRef dataset = DatasetRef.from(params.get("dataset"));
        Map<String, String> mapping = (Map<String, String>) params.get("mapping");
        int batchSize = ((Number) params.getOrDefault("batchSize", 32)).intValue();
        int maxLength = ((Number) params.getOrDefault("maxSequenceLength", 128)).intValue();
        UUID versionId = UUID.fromString((String) params.get("modelVersionId"));
        Path modelDir = Path.of(URI.create((String) params.get("artifactUri")));

        context.log("Reading dataset " + dataset.id());
        ExampleSet data = ExampleSet.read(dataset.resolveIn(datasetsDir), dataset, task, mapping);
        if (data.badRows() > 0) {
            context.log("WARN", data.badRows() + " rows could not be used", Map.of("examples", data.badRowReasons()));
        }
        context.progress(0.1, Map.of("phase", "loading model", "rows", data.examples().size()));
        context.stopIfCancelled();
        try (TransformerModel model = load(context, modelDir, task, data)) {
            context.log("Evaluating " + data.examples().size() + " rows on " + model.device());
            context.progress(0.2, Map.of("phase", "evaluating", "rows", data.examples().size()));
            ModelEvaluator.Outcome outcome = new ModelEvaluator(batchSize, maxLength)
                    .evaluate(model, task, data.examples());
            context.stopIfCancelled();
            recorder.record(new MetricRecorder.Subject(context.jobId(), versionId, dataset.id(), task), "test",
                    outcome.metrics(), null, null);
            recorder.predictions(context.jobId(), outcome.sample());
            context.log("INFO", "Metrics: " + outcome.metrics(), Map.of());
            context.progress(1.0, Map.of("phase", "done", "rows", data.examples().size()));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("metrics", outcome.metrics());
            result.put("rows", data.examples().size());
            result.put("badRows", data.badRows());
            return result;
        }
    }
}
