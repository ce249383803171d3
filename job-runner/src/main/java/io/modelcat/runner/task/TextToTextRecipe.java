package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.GenerationSettings;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.metrics.BleuScore;
import io.modelcat.ml.metrics.RougeScores;
import io.modelcat.ml.tokenize.Seq2SeqTokenizer;
import io.modelcat.ml.tokenize.TokenizedBatch;
import io.modelcat.ml.train.Seq2SeqFineTuner;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.ml.train.TrainingResult;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.metrics.MetricRecorder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Summarization (document to summary) and translation (source to target) with an encoder-decoder: the text gets the
 * model's task prefix from {@code task_specific_params} (T5's "summarize: ", "translate English to German: "), the
 * model generates with its {@code generation_config.json} (beams, length penalty, lengths), and an evaluation scores
 * the texts with ROUGE-1/2/L and BLEU against the references; a fine-tune trains on the same prefixed sources with
 * the references as targets.
 */
final class TextToTextRecipe implements TextToTextTask {

    /** Inputs of sample inference beside {@code text}. */
    static final String SOURCE_LANGUAGE = "sourceLanguage";
    static final String TARGET_LANGUAGE = "targetLanguage";

    private final Task task;
    private final String sourceInput;
    private final String referenceInput;

    private TextToTextRecipe(Task task, String sourceInput, String referenceInput) {
        this.task = task;
        this.sourceInput = sourceInput;
        this.referenceInput = referenceInput;
    }

    static TextToTextRecipe summarization() {
        return new TextToTextRecipe(Task.SUMMARIZATION, "document", "summary");
    }

    static TextToTextRecipe translation() {
        return new TextToTextRecipe(Task.TRANSLATION, "source", "target");
    }

    @Override
    public Task task() {
        return task;
    }

    /** The source text, and its reference (required to evaluate: the metrics compare with it). */
    @Override
    public TaskExample example(int rowIndex, Map<String, Object> inputs) {
        return new TaskExample(rowIndex, RowValues.text(inputs, sourceInput, true),
                RowValues.text(inputs, referenceInput, true), null, null, null, null, inputs);
    }

    @Override
    public Evaluation evaluate(TextToTextModel model, List<TaskExample> rows, Languages languages, int batchSize,
                               int maxLength) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("there are no usable rows to evaluate on");
        }
        String prefix = prefix(model, languages);
        List<TextToTextModel.Generated> generated = model.generate(
                rows.stream().map(row -> prefix + row.text()).toList(), model.modelDefaults(), batchSize,
                model.fitSourceLength(maxLength));
        List<String> predictions = generated.stream().map(TextToTextModel.Generated::text).toList();
        List<String> references = rows.stream().map(TaskExample::secondText).toList();
        RougeScores rouge = RougeScores.of(predictions, references);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rouge1", rouge.rouge1());
        metrics.put("rouge2", rouge.rouge2());
        metrics.put("rougeL", rouge.rougeL());
        metrics.put("bleu", BleuScore.of(predictions, references.stream().map(List::of).toList()).bleu());
        metrics.put("gen_len", generated.stream().mapToInt(TextToTextModel.Generated::newTokens).average().orElse(0));
        List<MetricRecorder.Prediction> sample = new ArrayList<>();
        for (int i = 0; i < Math.min(Evaluation.SAMPLE_SIZE, rows.size()); i++) {
            TaskExample row = rows.get(i);
            sample.add(new MetricRecorder.Prediction(row.rowIndex(), row.inputs(), row.secondText(),
                    Map.of("generatedText", predictions.get(i), "newTokens", generated.get(i).newTokens())));
        }
        return new Evaluation(metrics, sample);
    }

    @Override
    public TrainingResult train(TextToTextModel model, List<TaskExample> rows, Languages languages,
                                TrainingConfig config, TrainingListener listener) {
        String prefix = prefix(model, languages);
        int maxLength = model.fitSourceLength(config.maxSequenceLength());
        Seq2SeqTokenizer tokenizer = model.tokenizer();
        List<Seq2SeqFineTuner.Pair> pairs = new ArrayList<>(rows.size());
        for (int first = 0; first < rows.size(); first += TOKENIZED_AT_ONCE) {
            List<TaskExample> chunk = rows.subList(first, Math.min(rows.size(), first + TOKENIZED_AT_ONCE));
            TokenizedBatch sources = tokenizer.encodeSources(chunk.stream().map(row -> prefix + row.text()).toList(),
                    maxLength);
            // The reference is encoded as transformers' text_target is: with the tokenizer's special tokens (and
            // Marian's target.spm).
            TokenizedBatch targets = tokenizer.encodeTargets(chunk.stream().map(TaskExample::secondText).toList(),
                    maxLength);
            for (int row = 0; row < chunk.size(); row++) {
                pairs.add(new Seq2SeqFineTuner.Pair(unpadded(sources, row), unpadded(targets, row)));
            }
        }
        return new Seq2SeqFineTuner(config, listener).fit(model.model(), pairs);
    }

    /** Rows tokenized together when training pairs are made (to bound the padded batch's memory). */
    private static final int TOKENIZED_AT_ONCE = 256;

    private static long[] unpadded(TokenizedBatch batch, int row) {
        int length = 0;
        for (long bit : batch.attentionMask()[row]) {
            length += (int) bit;
        }
        return java.util.Arrays.copyOf(batch.inputIds()[row], length);
    }

    /**
     * One generation per call; calls with the same settings run as one batch (one padded {@code generate}), whatever
     * their prefixes. The call's {@code maxNewTokens}, {@code repetitionPenalty} and {@link PredictSpec.Search} change
     * the model's settings; sampling and stop strings are refused (the engine searches: greedy or beams).
     */
    @Override
    public List<Object> predictAll(TextToTextModel model, List<PredictSpec> specs, int maxLength) {
        int sourceLength = model.fitSourceLength(maxLength);
        Map<GenerationSettings, List<Integer>> batches = new LinkedHashMap<>();
        List<String> texts = new ArrayList<>(specs.size());
        for (int index = 0; index < specs.size(); index++) {
            PredictSpec spec = specs.get(index);
            Languages languages = new Languages(optional(spec, SOURCE_LANGUAGE), optional(spec, TARGET_LANGUAGE));
            String prefix = prefix(model, languages);
            texts.add(prefix + RowValues.input(spec, "text"));
            batches.computeIfAbsent(settings(model.modelDefaults(), spec.generation()), key -> new ArrayList<>())
                    .add(index);
        }
        Object[] predictions = new Object[specs.size()];
        batches.forEach((settings, indices) -> {
            List<TextToTextModel.Generated> generated = model.generate(indices.stream().map(texts::get).toList(),
                    settings, indices.size(), sourceLength);
            for (int i = 0; i < indices.size(); i++) {
                TextToTextModel.Generated one = generated.get(i);
                predictions[indices.get(i)] = Map.of("generatedText", one.text(), "newTokens", one.newTokens(),
                        "sourceTokens", one.sourceTokens(), "sourceTruncated", one.sourceCut(),
                        "finishReason", finishReason(one.ids(), settings));
            }
        });
        return List.of(predictions);
    }

    private static GenerationSettings settings(GenerationSettings model, PredictSpec.Generation call) {
        if (call == null) {
            return model;
        }
        if (Boolean.TRUE.equals(call.sample()) || (call.temperature() != null && call.temperature() > 0)
                || call.topK() != null || call.topP() != null) {
            throw new IllegalArgumentException("summarization and translation do not sample: the model searches "
                    + "(greedy or beams, as its generation config says); leave out sample, temperature, topK and topP");
        }
        if (call.stop() != null) {
            throw new IllegalArgumentException("stop strings are not supported for summarization and translation");
        }
        GenerationSettings settings = model;
        PredictSpec.Search search = call.search();
        if (search != null && search.maxLength() != null) {
            // max_length asked for replaces the model's max_new_tokens, which would otherwise win over it.
            settings = settings.withMaxLength(search.maxLength()).withMaxNewTokens(null);
        }
        if (call.maxNewTokens() != null) {
            settings = settings.withMaxNewTokens(call.maxNewTokens());
        }
        if (call.repetitionPenalty() != null) {
            settings = settings.withRepetitionPenalty(call.repetitionPenalty());
        }
        if (search != null) {
            if (search.minLength() != null) {
                settings = settings.withMinLength(search.minLength()).withMinNewTokens(null);
            }
            if (search.numBeams() != null) {
                settings = settings.withNumBeams(search.numBeams());
            }
            if (search.lengthPenalty() != null) {
                settings = settings.withLengthPenalty(search.lengthPenalty());
            }
            if (search.noRepeatNgramSize() != null) {
                settings = settings.withNoRepeatNgramSize(search.noRepeatNgramSize());
            }
        }
        return settings;
    }

    /** {@code stop} when the output ended with one of the model's end tokens, {@code length} when it ran out of room. */
    private static String finishReason(long[] ids, GenerationSettings settings) {
        return ids.length > 0 && settings.eosTokenIds().contains(ids[ids.length - 1]) ? "stop" : "length";
    }

    private static String optional(PredictSpec spec, String input) {
        String value = spec.inputs() == null ? null : spec.inputs().get(input);
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * The model's prefix for this task: {@code task_specific_params.summarization.prefix}, or for translation the
     * {@code translation_<source>_to_<target>} entry the languages name (the only one when none are given); none for
     * models without task parameters (BART, Marian: the checkpoint is the task).
     */
    String prefix(TextToTextModel model, Languages languages) {
        Map<String, String> prefixes = model.taskPrefixes();
        if (task == Task.SUMMARIZATION) {
            return prefixes.getOrDefault("summarization", "");
        }
        Map<String, String> translations = new LinkedHashMap<>();
        prefixes.forEach((key, prefix) -> {
            if (key.startsWith("translation_")) {
                translations.put(key, prefix);
            }
        });
        if (translations.isEmpty()) {
            return "";
        }
        if (!languages.given()) {
            if (translations.size() == 1) {
                return translations.values().iterator().next();
            }
            throw new IllegalArgumentException("this model translates several ways (" + directions(translations)
                    + "): give " + SOURCE_LANGUAGE + " and " + TARGET_LANGUAGE);
        }
        List<String> matching = translations.keySet().stream().filter(key -> matches(key, languages)).toList();
        if (matching.size() != 1) {
            throw new IllegalArgumentException("this model translates " + directions(translations) + "; "
                    + (matching.isEmpty() ? "not " : "ambiguously ") + code(languages.source()) + " to "
                    + code(languages.target()));
        }
        return translations.get(matching.get(0));
    }

    private static boolean matches(String key, Languages languages) {
        String[] parts = key.substring("translation_".length()).split("_to_", 2);
        return parts.length == 2 && (languages.source() == null || parts[0].equals(code(languages.source())))
                && (languages.target() == null || parts[1].equals(code(languages.target())));
    }

    private static String code(String language) {
        return language == null ? "any" : language.strip().toLowerCase(Locale.ROOT);
    }

    private static String directions(Map<String, String> translations) {
        return String.join(", ", translations.keySet().stream()
                .map(key -> key.substring("translation_".length()).replace("_to_", "→")).toList());
    }
}
