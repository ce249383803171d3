package io.modelcat.ml.infer;

import ai.djl.Device;
import io.modelcat.ml.checkpoint.HfConfig;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.Seq2SeqModel;
import io.modelcat.ml.tokenize.Seq2SeqTokenizer;
import io.modelcat.ml.tokenize.TokenizedBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An encoder-decoder with its tokenizer: text in, text out, as transformers' summarization and translation pipelines
 * run one (the source encoded with the tokenizer's special tokens, generated ids decoded without them).
 */
public final class TextToTextModel implements AutoCloseable {

    private final Seq2SeqModel model;
    private final Seq2SeqTokenizer tokenizer;
    private final Seq2SeqGenerator generator;
    private final long padTokenId;

    private TextToTextModel(Seq2SeqModel model, Seq2SeqTokenizer tokenizer, long padTokenId) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.generator = new Seq2SeqGenerator(model);
        this.padTokenId = padTokenId;
    }

    /**
     * Loads the checkpoint and its tokenizer on {@code device}: {@code tokenizer.json}, or Marian's {@code .spm} files
     * and {@code vocab.json} where the folder has no {@code tokenizer.json} ({@link Seq2SeqTokenizer#load}).
     */
    public static TextToTextModel load(Path modelDirectory, Device device) {
        HfConfig config = ModelLoader.checkpointConfig(modelDirectory);
        long pad = config.optionalLong("pad_token_id").orElse(0L);
        Seq2SeqTokenizer tokenizer = Seq2SeqTokenizer.load(modelDirectory, pad);
        Seq2SeqModel model;
        try {
            model = ModelLoader.loadEncoderDecoder(modelDirectory, device);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        try {
            return new TextToTextModel(model, tokenizer, pad);
        } catch (RuntimeException e) {
            tokenizer.close();
            model.close();
            throw e;
        }
    }

    /** A text and what was generated for it. */
    public record Generated(String text, long[] ids, int newTokens, int sourceTokens, boolean sourceCut) {
    }

    /**
     * Generates for each text in batches of {@code batchSize} (each batch right-padded), every source cut to
     * {@code maxSourceTokens} tokens (keeping its closing special token).
     *
     * @return per text: the generated text without special tokens, its ids, how many were generated (pad ids not
     *     counted, the end token counted) and the source's length
     */
    public List<Generated> generate(List<String> texts, GenerationSettings settings, int batchSize,
            int maxSourceTokens) {
        List<Generated> out = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += batchSize) {
            List<String> batch = texts.subList(start, Math.min(texts.size(), start + batchSize));
            TokenizedBatch encoded = tokenizer.encodeSources(batch, maxSourceTokens);
            List<long[]> rows = generator.generate(encoded.inputIds(), encoded.attentionMask(), settings);
            for (int row = 0; row < rows.size(); row++) {
                long[] ids = rows.get(row);
                int sourceTokens = 0;
                for (long bit : encoded.attentionMask()[row]) {
                    sourceTokens += (int) bit;
                }
                int newTokens = 0;
                for (long id : ids) {
                    newTokens += id == padTokenId ? 0 : 1;
                }
                boolean cut = sourceTokens >= maxSourceTokens
                        && tokenizer.encodeSource(batch.get(row)).length > maxSourceTokens;
                out.add(new Generated(tokenizer.decode(ids, true), ids, newTokens, sourceTokens, cut));
            }
        }
        return out;
    }

    /** What {@code generate} starts from: the model's {@code generation_config.json} over transformers' defaults. */
    public GenerationSettings modelDefaults() {
        return generator.modelDefaults();
    }

    /**
     * The prefixes of {@code task_specific_params} by task key ({@code summarization}, {@code translation_en_to_de},
     * ...), as T5's config.json gives them ("summarize: ", "translate English to German: "); empty for models without.
     */
    public Map<String, String> taskPrefixes() {
        Map<String, String> prefixes = new LinkedHashMap<>();
        model.config().section("task_specific_params").ifPresent(params -> {
            for (String key : params.keys()) {
                params.section(key).flatMap(task -> task.text("prefix")).ifPresent(prefix -> prefixes.put(key, prefix));
            }
        });
        return prefixes;
    }

    /** Source tokens the model takes: {@code requested}, capped by learned positions where the model has them. */
    public int fitSourceLength(int requested) {
        return model.config().optionalLong("max_position_embeddings").map(limit -> (int) Math.min(requested, limit))
                .orElse(requested);
    }

    public Seq2SeqModel model() {
        return model;
    }

    /** The model's tokenizer: sources, targets (labels) and decoding. */
    public Seq2SeqTokenizer tokenizer() {
        return tokenizer;
    }

    public Device device() {
        return model.manager().getDevice();
    }

    @Override
    public void close() {
        try {
            tokenizer.close();
        } finally {
            model.close();
        }
    }
}
