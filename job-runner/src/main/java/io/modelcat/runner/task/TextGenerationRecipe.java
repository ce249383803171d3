package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.infer.Generation;
import io.modelcat.ml.infer.GenerationConfig;
import io.modelcat.ml.infer.LanguageModelScorer;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.CausalLmBatches;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.TrainingResult;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.metrics.MetricRecorder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** Text generation: a causal language model; perplexity and loss; greedy or sampled generation. */
final class TextGenerationRecipe implements TrainedTask {

    private static final int DEFAULT_NEW_TOKENS = 20;

    @Override
    public Task task() {
        return Task.TEXT_GENERATION;
    }

    @Override
    public HeadType head() {
        return HeadType.CAUSAL_LM;
    }

    @Override
    public TaskExample example(int rowIndex, Map<String, Object> inputs) {
        return new TaskExample(rowIndex, RowValues.text(inputs, "text", true), null, null, null, null, null, inputs);
    }

    @Override
    public List<String> labels(List<TaskExample> rows) {
        return List.of();
    }

    @Override
    public boolean stratifiedSplits() {
        return false;
    }

    @Override
    public TrainingResult train(FineTuner tuner, TransformerModel model, List<TaskExample> rows, List<String> labels,
                                int maxLength) {
        return tuner.train(model, rows.stream().map(TaskExample::text).toList(),
                new CausalLmBatches(model.tokenizer(), model.config().requiredInt("vocab_size"), maxLength));
    }

    @Override
    public Evaluation evaluate(TransformerModel model, List<TaskExample> rows, int batchSize, int maxLength) {
        LanguageModelScorer scorer = new LanguageModelScorer(model, batchSize, maxLength);
        LanguageModelScorer.Totals totals = scorer.score(rows.stream().map(TaskExample::text).toList());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("perplexity", totals.perplexity());
        metrics.put("loss", totals.meanNegativeLogLikelihood());
        List<MetricRecorder.Prediction> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(Evaluation.SAMPLE_SIZE, rows.size()); i++) {
            LanguageModelScorer.Totals one = scorer.score(List.of(rows.get(i).text()));
            sample.add(new MetricRecorder.Prediction(rows.get(i).rowIndex(), rows.get(i).inputs(), null,
                    Map.of("perplexity", one.perplexity())));
        }
        return new Evaluation(metrics, sample);
    }

    /** Greedy unless a temperature over 0, a top-p or a top-k asks for sampling. */
    @Override
    public Object predict(TransformerModel model, PredictSpec spec, int maxLength) {
        return predict(model, spec, maxLength, null);
    }

    @Override
    public Object predict(TransformerModel model, PredictSpec spec, int maxLength, Consumer<String> newText) {
        PredictSpec.Generation p = spec.generation() == null ? new PredictSpec.Generation(null, null, null, null, null)
                : spec.generation();
        boolean sample = (p.temperature() != null && p.temperature() > 0) || p.topP() != null || p.topK() != null;
        GenerationConfig config = (sample ? GenerationConfig.sampling(p.seed() == null ? 42 : p.seed())
                : GenerationConfig.greedy()).withMaxNewTokens(p.maxNewTokens() == null ? DEFAULT_NEW_TOKENS : p.maxNewTokens());
        if (sample) {
            config = config.withTemperature(p.temperature() == null ? 1.0 : p.temperature())
                    .withTopK(p.topK() == null ? 0 : p.topK())
                    .withTopP(p.topP() == null ? 1.0 : p.topP());
        }
        TextGenerator generator = new TextGenerator(model);
        String prompt = RowValues.input(spec, "text");
        Generation generation = newText == null ? generator.generate(prompt, config)
                : generator.generate(prompt, config, newText::accept);
        return Map.of("generatedText", generation.text(),
                "finishReason", generation.finishReason().name().toLowerCase(Locale.ROOT),
                "newTokens", generation.generatedIds().length, "promptTokens", generation.promptIds().length);
    }
}
