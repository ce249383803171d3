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

    public Generation generate(String prompt, GenerationConfig config) {
        return generate(List.of(prompt), config).get(0);
    }

    /**
     * Generates for each prompt in turn. With sampling, one random stream seeded by
     * {@code config.seed()} serves the prompts in order, so the whole list is reproducible.
     */
    public List<Generation> generate(List<String> prompts, GenerationConfig config) {
        Random random = new Random(config.seed());
        List<Generation> generations = new ArrayList<>(prompts.size());
        for (String prompt : prompts) {
            generations.add(generateIds(model.tokenizer().encode(prompt), config, random));
        }
        return generations;
    }

    /** Generates from already tokenized ids. */
    public Generation generateIds(long[] promptIds, GenerationConfig config) {
        return generateIds(promptIds, config, new Random(config.seed()));
    }

    private Generation generateIds(long[] promptIds, GenerationConfig config, Random random) {
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
            }
        }
        long[] generated = Arrays.copyOfRange(sequence, promptIds.length, length);
        long[] textIds = reason == Generation.FinishReason.EOS
                ? Arrays.copyOf(generated, generated.length - 1)
                : generated;
        String text = textIds.length == 0 ? "" : model.tokenizer().decode(textIds, true);
        return new Generation(promptIds, generated, text, reason);
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
