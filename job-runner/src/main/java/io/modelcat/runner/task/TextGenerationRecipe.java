package io.modelcat.runner.task;

import io.modelcat.jobs.spec.ChatMessage;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.infer.ChatTemplate;
import io.modelcat.ml.infer.Generation;
import io.modelcat.ml.infer.GenerationConfig;
import io.modelcat.ml.infer.LanguageModelScorer;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.CausalLmBatches;
import io.modelcat.ml.train.CompletionBatches;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.LearnedTokens;
import io.modelcat.ml.train.PromptCompletion;
import io.modelcat.ml.train.TrainingResult;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.metrics.MetricRecorder;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Text generation: a causal language model; perplexity and loss; greedy or sampled generation, of a prompt
 * or of a chat rendered with the model's chat template.
 */
final class TextGenerationRecipe implements TrainedTask {

    /** The sampler's seed when a call gives none: the same call samples the same text. */
    private static final long DEFAULT_SEED = 42;
    /** New tokens allowed beyond the expected completion's length when generating an answer to compare. */
    private static final int EXACT_MATCH_SLACK = 8;
    /** Rows with a ground truth whose greedy answers {@code exact_match} compares, at most. */
    static final int EXACT_MATCH_ROWS = 100;

    @Override
    public Task task() {
        return Task.TEXT_GENERATION;
    }

    @Override
    public HeadType head() {
        return HeadType.CAUSAL_LM;
    }

    /**
     * The text; with {@code ground_truth} mapped, the text is a prompt and the ground truth its completion: training
     * then learns the completion only (instruction tuning), and evaluation scores the completion given the prompt.
     */
    @Override
    public TaskExample example(int rowIndex, Map<String, Object> inputs) {
        if (inputs.get("text") instanceof List<?> messages) {
            // A conversation: checked here, so that a malformed one is a bad row; learned from its assistant turns.
            conversation(messages);
            return new TaskExample(rowIndex, null, null, null, null, null, null, inputs);
        }
        return new TaskExample(rowIndex, RowValues.text(inputs, "text", true),
                RowValues.text(inputs, "ground_truth", false), null, null, null, null, inputs);
    }

    /** A conversation's messages, each a {@code role} and a {@code content} text; refused otherwise, saying why. */
    private static List<Map<String, Object>> conversation(List<?> messages) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("text is an empty conversation");
        }
        List<Map<String, Object>> conversation = new ArrayList<>(messages.size());
        for (Object item : messages) {
            if (!(item instanceof Map<?, ?> message) || !(message.get("role") instanceof String role) || role.isBlank()
                    || !(message.get("content") instanceof String content)) {
                throw new IllegalArgumentException("text is a list, but not a conversation: each message needs a "
                        + "\"role\" and a \"content\" text");
            }
            Map<String, Object> copy = new LinkedHashMap<>();
            copy.put("role", role);
            copy.put("content", content);
            conversation.add(copy);
        }
        return conversation;
    }

    private static boolean isConversation(TaskExample row) {
        return row.inputs().get("text") instanceof List;
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
        if (learnedWhole(rows)) {
            return tuner.train(model, rows.stream().map(TaskExample::text).toList(),
                    new CausalLmBatches(model.tokenizer(), model.config().requiredInt("vocab_size"), maxLength));
        }
        CompletionBatches batches = completionBatches(model, maxLength);
        return tuner.train(model, learnedTokens(model, batches, rows), batches.forTokens());
    }

    /** Rows whose loss is on some tokens only, closed by the model's end of sequence. */
    private static CompletionBatches completionBatches(TransformerModel model, int maxLength) {
        return new CompletionBatches(model.tokenizer(), model.config().requiredInt("vocab_size"),
                model.fitSequenceLength(maxLength), LanguageModelScorer.endOfSequence(model));
    }

    /** Texts learned whole: no ground truths, no conversations. */
    private static boolean learnedWhole(List<TaskExample> rows) {
        return rows.stream().noneMatch(row -> hasCompletion(row) || isConversation(row));
    }

    /** Each row's tokens with what is learned: a conversation's assistant turns, a completion, or a whole text. */
    private static List<LearnedTokens> learnedTokens(TransformerModel model, CompletionBatches batches,
                                                     List<TaskExample> rows) {
        ChatTemplate template = rows.stream().anyMatch(TextGenerationRecipe::isConversation) ? template(model) : null;
        List<LearnedTokens> tokens = new ArrayList<>(rows.size());
        for (TaskExample row : rows) {
            tokens.add(isConversation(row)
                    ? template.learnedTokens(model.tokenizer(), conversation((List<?>) row.inputs().get("text")))
                    : batches.tokens(promptCompletion(row)));
        }
        return tokens;
    }

    private static boolean hasCompletion(TaskExample row) {
        return row.secondText() != null && !row.secondText().isEmpty();
    }

    private static PromptCompletion promptCompletion(TaskExample row) {
        return new PromptCompletion(row.text(), hasCompletion(row) ? row.secondText() : null);
    }

    @Override
    public Evaluation evaluate(TransformerModel model, List<TaskExample> rows, int batchSize, int maxLength) {
        LanguageModelScorer scorer = new LanguageModelScorer(model, batchSize, maxLength);
        // Texts are scored whole; with ground truths, the completions given their prompts; conversations, their
        // answers. The rows are tokenized once, for the totals and for the sample alike.
        boolean whole = learnedWhole(rows);
        List<LearnedTokens> tokens = whole ? null : learnedTokens(model, completionBatches(model, maxLength), rows);
        LanguageModelScorer.Totals totals = whole
                ? scorer.score(rows.stream().map(TaskExample::text).toList()) : scorer.scoreTokens(tokens);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("perplexity", totals.perplexity());
        metrics.put("loss", totals.meanNegativeLogLikelihood());
        // Generating is far slower than scoring: answers are compared on the first rows only (every epoch validates).
        List<TaskExample> instructions = rows.stream().filter(TextGenerationRecipe::hasCompletion)
                .limit(EXACT_MATCH_ROWS).toList();
        Map<Integer, String> answers = new HashMap<>();
        if (!instructions.isEmpty()) {
            // Greedy answers, as long as the longest expected completion and then some, stopped at the model's EOS.
            TextGenerator generator = new TextGenerator(model);
            int matched = 0;
            for (TaskExample row : instructions) {
                int expected = model.tokenizer().encode(row.secondText(), false).length;
                long[] prompt = model.tokenizer().encode(row.text());
                int room = model.maxSequenceLength() - prompt.length;
                String answer = room <= 0 ? "" : generator.generateIds(prompt, GenerationConfig.greedy()
                        .withMaxNewTokens(Math.min(room, expected + EXACT_MATCH_SLACK))).text();
                answers.put(row.rowIndex(), answer);
                matched += answer.strip().equals(row.secondText().strip()) ? 1 : 0;
            }
            metrics.put("exact_match", (double) matched / instructions.size());
        }
        List<MetricRecorder.Prediction> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(Evaluation.SAMPLE_SIZE, rows.size()); i++) {
            TaskExample row = rows.get(i);
            LanguageModelScorer.Totals one = whole
                    ? scorer.score(List.of(row.text())) : scorer.scoreTokens(List.of(tokens.get(i)));
            Map<String, Object> predicted = new LinkedHashMap<>();
            predicted.put("perplexity", one.perplexity());
            if (answers.containsKey(row.rowIndex())) {
                predicted.put("completion", answers.get(row.rowIndex()));
            }
            sample.add(new MetricRecorder.Prediction(row.rowIndex(), row.inputs(), row.secondText(), predicted));
        }
        return new Evaluation(metrics, sample);
    }

    /** The model's chat template; a model without one cannot take conversations, and is refused saying so. */
    private static ChatTemplate template(TransformerModel model) {
        return (model.sourceDirectory() == null ? Optional.<ChatTemplate>empty()
                : ChatTemplate.read(model.sourceDirectory())).orElseThrow(() -> new IllegalArgumentException(
                        "this model has no chat template (neither chat_template.jinja nor a chat_template in its "
                        + "tokenizer_config.json), so it cannot take chat messages; send a prompt to /v1/completions instead"));
    }

    /** A conversation rendered with the model's chat template, with the generation prompt. */
    private static String chatPrompt(TransformerModel model, List<ChatMessage> messages) {
        ChatTemplate template = template(model);
        List<Map<String, Object>> conversation = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", m.role());
            message.put("content", m.content());
            conversation.add(message);
        }
        return template.render(conversation, true);
    }

    /** See {@link PredictSpec.Generation}: what the call leaves out comes from the model's generation config. */
    @Override
    public Object predict(TransformerModel model, PredictSpec spec, int maxLength) {
        return predict(model, spec, maxLength, null);
    }

    @Override
    public Object predict(TransformerModel model, PredictSpec spec, int maxLength,
                          TextGenerator.TokenListener newText) {
        TextGenerator generator = new TextGenerator(model);
        Generation generation = generator.generateIds(prompt(model, spec), settings(generator, spec), newText);
        return prediction(generator, generation, spec, new HashMap<>());
    }

    /**
     * Several calls as one left-padded batch (a deployment instance's batch, the {@code n} choices of an OpenAI
     * call): each with its own prompt and settings, in one pass per generated token. Calls with the same prompt that
     * ask for its log-probabilities (an echoed call's {@code n} choices) share one pass over it.
     */
    @Override
    public List<Object> predictAll(TransformerModel model, List<PredictSpec> specs, int maxLength) {
        if (specs.size() < 2) {
            return TrainedTask.super.predictAll(model, specs, maxLength);
        }
        TextGenerator generator = new TextGenerator(model);
        List<long[]> prompts = new ArrayList<>(specs.size());
        List<GenerationConfig> configs = new ArrayList<>(specs.size());
        for (PredictSpec spec : specs) {
            prompts.add(prompt(model, spec));
            configs.add(settings(generator, spec));
        }
        List<Object> predictions = new ArrayList<>(specs.size());
        List<Generation> generations = generator.generateBatch(prompts, configs);
        Map<PromptAsked, List<Generation.TokenLogprob>> promptLogprobs = new HashMap<>();
        for (int i = 0; i < generations.size(); i++) {
            predictions.add(prediction(generator, generations.get(i), specs.get(i), promptLogprobs));
        }
        return predictions;
    }

    /**
     * The prompt's ids: given as ids, checked against the vocabulary; a chat prompt holds its special tokens already:
     * encoded without more, as transformers does.
     */
    private static long[] prompt(TransformerModel model, PredictSpec spec) {
        if (spec.promptIds() != null) {
            int vocabulary = model.config().requiredInt("vocab_size");
            long[] ids = new long[spec.promptIds().size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = spec.promptIds().get(i);
                if (ids[i] < 0 || ids[i] >= vocabulary) {
                    throw new IllegalArgumentException("prompt token id " + ids[i] + " (at " + i + ") is not in the "
                            + "model's vocabulary of " + vocabulary + " tokens");
                }
            }
            return ids;
        }
        return spec.messages() == null ? model.tokenizer().encode(RowValues.input(spec, "text"))
                : model.tokenizer().encode(chatPrompt(model, spec.messages()), false);
    }

    private static GenerationConfig settings(TextGenerator generator, PredictSpec spec) {
        return settings(generator.modelDefaults(), spec.generation() == null
                ? new PredictSpec.Generation(null, null, null, null, null) : spec.generation());
    }

    /**
     * See {@link io.modelcat.jobs.serve.ServeResponse}: the log-probabilities only when asked for, the prompt's too when
     * asked for (one more pass over the prompt, unless {@code promptLogprobs} holds that prompt's already).
     */
    private static Map<String, Object> prediction(TextGenerator generator, Generation generation, PredictSpec spec,
                                                  Map<PromptAsked, List<Generation.TokenLogprob>> promptLogprobs) {
        PredictSpec.Generation asked = spec.generation();
        boolean logprobs = asked != null && asked.logprobs() != null;
        Map<String, Object> prediction = new LinkedHashMap<>();
        prediction.put("generatedText", generation.text());
        prediction.put("finishReason", generation.finishReason().name().toLowerCase(Locale.ROOT));
        prediction.put("newTokens", generation.generatedIds().length);
        prediction.put("promptTokens", generation.promptIds().length);
        if (spec.promptIds() != null) {
            // A tokenized prompt's text, for whoever echoes it or counts offsets from it.
            prediction.put("promptText", generator.decode(generation.promptIds()));
        }
        if (logprobs) {
            prediction.put("logprobs", generation.logprobs());
        }
        if (logprobs && Boolean.TRUE.equals(asked.promptLogprobs())) {
            PromptAsked prompt = new PromptAsked(LongBuffer.wrap(generation.promptIds()), asked.logprobs());
            prediction.put("promptLogprobs", promptLogprobs.computeIfAbsent(prompt,
                    p -> generator.promptLogprobs(generation.promptIds(), p.top())));
        }
        return prediction;
    }

    /** A prompt's ids (compared by content) and how many likeliest tokens to report at each of its positions. */
    private record PromptAsked(LongBuffer ids, int top) {
    }

    /** The call's settings over the model's: sampling when the call says so, or gives a sampling setting. */
    static GenerationConfig settings(GenerationConfig model, PredictSpec.Generation call) {
        boolean asksSampling = (call.temperature() != null && call.temperature() > 0) || call.topP() != null
                || call.topK() != null;
        boolean sample = call.sample() != null ? call.sample() : asksSampling || model.sample();
        GenerationConfig config = model.withSampling(sample)
                .withSeed(call.seed() == null ? DEFAULT_SEED : call.seed());
        if (call.maxNewTokens() != null) {
            config = config.withMaxNewTokens(call.maxNewTokens());
        }
        if (call.temperature() != null && call.temperature() > 0) {
            config = config.withTemperature(call.temperature());
        }
        if (call.topK() != null) {
            config = config.withTopK(call.topK());
        }
        if (call.topP() != null) {
            config = config.withTopP(call.topP());
        }
        if (call.repetitionPenalty() != null) {
            config = config.withRepetitionPenalty(call.repetitionPenalty());
        }
        if (call.logprobs() != null) {
            config = config.withLogprobs(call.logprobs());
        }
        return call.stop() == null ? config : config.withStopStrings(call.stop());
    }
}
