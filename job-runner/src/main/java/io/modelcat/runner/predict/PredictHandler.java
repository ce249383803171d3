package io.modelcat.runner.predict;

import io.modelcat.jobs.JobKind;
import io.modelcat.ml.infer.EntitySpan;
import io.modelcat.ml.infer.FillMask;
import io.modelcat.ml.infer.Generation;
import io.modelcat.ml.infer.GenerationConfig;
import io.modelcat.ml.infer.LabelScores;
import io.modelcat.ml.infer.QuestionAnswerer;
import io.modelcat.ml.infer.TextClassifier;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.infer.TokenTagger;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.evaluate.Devices;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.execute.JobHandler;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers one sample-inference call ("try it" on a model card) with the model kept loaded by the
 * {@link ModelCache}: labels with scores, entities, an answer span, mask fillings or generated text.
 */
@Singleton
public class PredictHandler implements JobHandler {

    private static final int MAX_LENGTH = 512;

    private final ModelCache cache;

    public PredictHandler(ModelCache cache) {
        this.cache = cache;
    }

    @Override
    public JobKind kind() {
        return JobKind.PREDICT;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> run(JobContext context) {
        Map<String, Object> params = context.params();
        String task = (String) params.get("task");
        Map<String, Object> inputs = (Map<String, Object>) params.getOrDefault("inputs", Map.of());
        Map<String, Object> parameters = (Map<String, Object>) params.getOrDefault("parameters", Map.of());
        Path dir = Path.of(URI.create((String) params.get("artifactUri")));
        long started = System.nanoTime();
        return cache.with(dir, Devices.of(context), (model, cached) -> {
            context.log("INFO", cached ? "Using the model kept loaded" : "Loaded the model", Map.of("cached", cached));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("task", task);
            result.put("prediction", predict(model, task, inputs, parameters));
            result.put("cachedModel", cached);
            result.put("millis", (System.nanoTime() - started) / 1_000_000);
            return result;
        });
    }

    private static Object predict(TransformerModel model, String task, Map<String, Object> inputs,
                                  Map<String, Object> parameters) {
        String text = (String) inputs.get("text");
        int length = Math.min(MAX_LENGTH, model.maxSequenceLength());
        return switch (task) {
            case "text-classification" -> {
                TextClassifier classifier = new TextClassifier(model, 1, length);
                String second = (String) inputs.get("text2");
                LabelScores scores = second == null ? classifier.classify(List.of(text)).get(0)
                        : classifier.classifyPairs(List.of(text), List.of(second)).get(0);
                List<Map<String, Object>> labels = new ArrayList<>();
                for (int i = 0; i < model.labels().size(); i++) {
                    labels.add(Map.of("label", model.labels().get(i), "score", scores.probabilities().get(i)));
                }
                labels.sort((a, b) -> Double.compare((Double) b.get("score"), (Double) a.get("score")));
                yield Map.of("label", scores.label(), "score", scores.score(), "labels", labels);
            }
            case "token-classification" -> {
                List<String> words = List.of(text.trim().split("\\s+"));
                List<EntitySpan> spans = new TokenTagger(model, 1, length).entities(List.of(words)).get(0);
                yield Map.of("words", words, "entities", spans.stream().map(e -> Map.of("type", e.type(),
                        "startWord", e.startWord(), "endWord", e.endWord(), "text", e.text(), "score", e.score())).toList());
            }
            case "question-answering" -> {
                QuestionAnswerer.Answer answer = new QuestionAnswerer(model, 1, length, 30)
                        .answer((String) inputs.get("question"), (String) inputs.get("context"));
                yield Map.of("answer", answer.text(), "start", answer.start(), "end", answer.end(), "score", answer.score());
            }
            case "fill-mask" -> {
                int topK = number(parameters, "topK", 5).intValue();
                List<FillMask.MaskPrediction> masks = new FillMask(model, 1, length).fill(text, topK);
                if (masks.isEmpty()) {
                    throw new IllegalArgumentException("the text has no mask token to fill");
                }
                yield masks.stream().map(m -> Map.of("position", m.position(), "candidates", m.candidates().stream()
                        .map(c -> Map.of("token", c.token(), "score", c.score())).toList())).toList();
            }
            case "text-generation" -> {
                boolean sample = number(parameters, "temperature", 0).doubleValue() > 0
                        || parameters.containsKey("topP") || parameters.containsKey("topK");
                GenerationConfig config = (sample ? GenerationConfig.sampling(number(parameters, "seed", 42).longValue())
                        : GenerationConfig.greedy()).withMaxNewTokens(number(parameters, "maxNewTokens", 20).intValue());
                if (sample) {
                    config = config.withTemperature(number(parameters, "temperature", 1.0).doubleValue())
                            .withTopK(number(parameters, "topK", 0).intValue())
                            .withTopP(number(parameters, "topP", 1.0).doubleValue());
                }
                Generation generation = new TextGenerator(model).generate(text, config);
                yield Map.of("generatedText", generation.text(), "finishReason", generation.finishReason().name().toLowerCase(),
                        "newTokens", generation.generatedIds().length);
            }
            default -> throw new IllegalArgumentException("sample inference for task '" + task + "' is not supported");
        };
    }

    private static Number number(Map<String, Object> parameters, String key, Number fallback) {
        return parameters.get(key) instanceof Number n ? n : fallback;
    }
}
