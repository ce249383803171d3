package io.modelcat.ml.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.checkpoint.HfConfig;
import io.modelcat.ml.model.TransformerModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Generates text with a causal language model (GPT-2), one prompt at a time: greedy decoding or
 * seeded sampling with temperature, top-k and top-p (see {@link GenerationConfig}). There is no
 * key/value cache: every step runs the whole sequence again, which is simple and exact but costs
 * O(n²) in the generated length.
 *
 * <p>The prompt is encoded by the model's tokenizer as it is configured (with its special tokens,
 * if its template adds any). Each step runs in its own sub-manager of the model's manager.
 *
 * <p>A {@link TokenListener} hears the text as it grows, one delta per token where the token completes
 * text: the deltas are the differences between the decoded text so far and what was already heard, so
 * a character split over several byte-level tokens arrives whole, and all deltas together are exactly
 * {@link Generation#text()}.
 */
public final class TextGenerator {

    private final TransformerModel model;
    private final List<Long> defaultEosTokenIds;

    public TextGenerator(TransformerModel model) {
        if (model.task() != HeadType.CAUSAL_LM) {
            throw new IllegalArgumentException("not a causal language model: " + model.task());
        }
        this.model = model;
        this.defaultEosTokenIds = modelEosTokenIds(model);
    }

    /** The end-of-sequence ids from {@code generation_config.json}, else from {@code config.json}. */
    public List<Long> defaultEosTokenIds() {
        return defaultEosTokenIds;
    }

    /** Hears a generation's text as it is produced (see the class comment). */
    @FunctionalInterface
    public interface TokenListener {
        /** The text that the newest token(s) added; never empty. */
        void onText(String delta);
    }

    public Generation generate(String prompt, GenerationConfig config) {
        return generate(List.of(prompt), config).get(0);
    }

    /** Generates for one prompt, telling {@code listener} each piece of new text as soon as it is decoded. */
    public Generation generate(String prompt, GenerationConfig config, TokenListener listener) {
        return generateIds(model.tokenizer().encode(prompt), config, new Random(config.seed()), listener);
    }

    /**
     * Generates for each prompt in turn. With sampling, one random stream seeded by
     * {@code config.seed()} serves the prompts in order, so the whole list is reproducible.
     */
    public List<Generation> generate(List<String> prompts, GenerationConfig config) {
        Random random = new Random(config.seed());
        List<Generation> generations = new ArrayList<>(prompts.size());
        for (String prompt : prompts) {
            generations.add(generateIds(model.tokenizer().encode(prompt), config, random, null));
        }
        return generations;
    }

    /** Generates from already tokenized ids. */
    public Generation generateIds(long[] promptIds, GenerationConfig config) {
        return generateIds(promptIds, config, new Random(config.seed()), null);
    }

    /** Generates from already tokenized ids, telling {@code listener} (if not null) each piece of new text. */
    public Generation generateIds(long[] promptIds, GenerationConfig config, TokenListener listener) {
        return generateIds(promptIds, config, new Random(config.seed()), listener);
    }

    private Generation generateIds(long[] promptIds, GenerationConfig config, Random random, TokenListener listener) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("empty prompt: the model needs at least one token to condition on");
        }
        int limit = model.maxSequenceLength();
        if (promptIds.length > limit) {
            throw new IllegalArgumentException("prompt of " + promptIds.length + " tokens exceeds the model's "
                    + limit + " positions");
        }
        Set<Long> eos = new HashSet<>(config.eosTokenIds() == null ? defaultEosTokenIds : config.eosTokenIds());
        long[] sequence = Arrays.copyOf(promptIds, Math.min(limit, promptIds.length + config.maxNewTokens()));
        int length = promptIds.length;
        Generation.FinishReason reason = null;
        Deltas deltas = listener == null ? null : new Deltas(listener);
        while (reason == null) {
            if (length - promptIds.length >= config.maxNewTokens()) {
                reason = Generation.FinishReason.MAX_NEW_TOKENS;
                break;
            }
            if (length >= limit) {
                reason = Generation.FinishReason.CONTEXT_FULL;
                break;
            }
            float[] logits = nextTokenLogits(Arrays.copyOf(sequence, length));
            long token = config.sample() ? sample(logits, config, random) : argmax(logits);
            sequence[length++] = token;
            if (eos.contains(token)) {
                reason = Generation.FinishReason.EOS;
            } else if (deltas != null) {
                deltas.decoded(decode(Arrays.copyOfRange(sequence, promptIds.length, length)), false);
            }
        }
        long[] generated = Arrays.copyOfRange(sequence, promptIds.length, length);
        long[] textIds = reason == Generation.FinishReason.EOS
                ? Arrays.copyOf(generated, generated.length - 1)
                : generated;
        String text = decode(textIds);
        if (deltas != null) {
            deltas.decoded(text, true);
        }
        return new Generation(promptIds, generated, text, reason);
    }

    private String decode(long[] ids) {
        return ids.length == 0 ? "" : model.tokenizer().decode(ids, true);
    }

    /** What a listener has heard so far, and the next piece of text to tell it. */
    static final class Deltas {
        private final TokenListener listener;
        private String heard = "";

        Deltas(TokenListener listener) {
            this.listener = listener;
        }

        /**
         * The whole text decoded so far. Text that ends in U+FFFD (a character whose bytes are not all
         * generated yet) waits for the next token, unless it is the end; text that does not extend what
         * was heard (a decoder that rewrote earlier text) waits until it does again.
         */
        void decoded(String text, boolean last) {
            if (!text.startsWith(heard) || text.length() == heard.length() || (!last && text.endsWith("\uFFFD"))) {
                return;
            }
            String delta = text.substring(heard.length());
            heard = text;
            listener.onText(delta);
        }
    }

    /** The logits of the token after {@code ids}: the last position's row. */
    float[] nextTokenLogits(long[] ids) {
        try (NDManager step = model.manager().newSubManager()) {
            long[][] inputIds = {ids};
            long[][] mask = new long[1][ids.length];
            Arrays.fill(mask[0], 1L);
            NDList inputs = new NDList(step.create(inputIds), step.create(mask), step.create(new long[1][ids.length]));
            NDArray logits = model.forward(inputs, false).singletonOrThrow();
            return logits.get(0, ids.length - 1).toFloatArray();
        }
    }

    /** Index of the largest value; the first one on ties, as {@code torch.argmax}. */
    static int argmax(float[] logits) {
        int best = 0;
        for (int index = 1; index < logits.length; index++) {
            if (logits[index] > logits[best]) {
                best = index;
            }
        }
        return best;
    }

    /** Temperature, then top-k, then top-p (the order of {@code transformers}' logits warpers), then a draw. */
    static int sample(float[] logits, GenerationConfig config, Random random) {
        double[] probabilities = filteredProbabilities(logits, config);
        double draw = random.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int index = 0; index < probabilities.length; index++) {
            if (probabilities[index] > 0) {
                cumulative += probabilities[index];
                last = index;
                if (draw < cumulative) {
                    return index;
                }
            }
        }
        return last;
    }

    /** The sampling distribution after temperature, top-k and top-p; zero for removed tokens. */
    static double[] filteredProbabilities(float[] logits, GenerationConfig config) {
        int vocabulary = logits.length;
        Integer[] order = new Integer[vocabulary];
        for (int index = 0; index < vocabulary; index++) {
            order[index] = index;
        }
        // Descending by logit; the stable sort keeps lower ids first on ties.
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int kept = config.topK() > 0 ? Math.min(config.topK(), vocabulary) : vocabulary;
        double[] scaled = new double[vocabulary];
        double max = logits[order[0]] / config.temperature();
        double sum = 0;
        for (int rank = 0; rank < kept; rank++) {
            int token = order[rank];
            scaled[token] = Math.exp(logits[token] / config.temperature() - max);
            sum += scaled[token];
        }
        double[] probabilities = new double[vocabulary];
        for (int rank = 0; rank < kept; rank++) {
            probabilities[order[rank]] = scaled[order[rank]] / sum;
        }
        if (config.topP() < 1.0) {
            // Keep the most likely tokens until their mass reaches top_p (always at least one).
            double cumulative = 0;
            int nucleus = 0;
            while (nucleus < kept && (nucleus == 0 || cumulative < config.topP())) {
                cumulative += probabilities[order[nucleus]];
                nucleus++;
            }
            for (int rank = nucleus; rank < kept; rank++) {
                probabilities[order[rank]] = 0;
            }
            for (int rank = 0; rank < nucleus; rank++) {
                probabilities[order[rank]] /= cumulative;
            }
        }
        return probabilities;
    }

    private static List<Long> modelEosTokenIds(TransformerModel model) {
        Path source = model.sourceDirectory();
        if (source != null) {
            Path generationConfig = source.resolve("generation_config.json");
            if (Files.isRegularFile(generationConfig)) {
                List<Long> ids = HfConfig.read(generationConfig).longList("eos_token_id");
                if (!ids.isEmpty()) {
                    return List.copyOf(ids);
                }
            }
        }
        return List.copyOf(model.config().longList("eos_token_id"));
    }
}
