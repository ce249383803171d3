package io.modelcat.ml.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.arch.KeyValueCache;
import io.modelcat.ml.model.TransformerModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Generates text with a causal language model: greedy decoding or seeded sampling with a repetition penalty,
 * temperature, top-k and top-p, ending at an end-of-sequence token, a stop string or a length limit (see
 * {@link GenerationConfig}).
 *
 * <p>Generation keeps a {@link KeyValueCache}: the prompt runs once, then each new token costs one position's
 * pass, and the language-model head projects only the last position onto the vocabulary. Several prompts
 * run as one batch, padded on the left (each row's first real token at position 0, padding hidden by the
 * attention mask, as {@code transformers} generates a padded batch); rows that finish early wait for the
 * others without changing them. A row's draws come from a random stream of its own, seeded by
 * {@code seed + row}, so that the first prompt of a list generates what it would alone.
 *
 * <p>The prompt is encoded by the model's tokenizer as it is configured (with its special tokens, if its
 * template adds any). Each step runs in its own sub-manager of the model's manager; the cache has its own.
 *
 * <p>A {@link TokenListener} hears the text as it grows, one delta per token where the token completes
 * text: the deltas are the differences between the decoded text so far and what was already heard, so
 * a character split over several byte-level tokens arrives whole, text that may be the start of a stop
 * string waits until it is clear that it is not, and all deltas together are exactly {@link Generation#text()}.
 * When {@link GenerationConfig#logprobs()} asks for log-probabilities, each delta comes with the tokens whose text
 * begins in it: all deltas' tokens together are {@link Generation#logprobs()} but for those that add no text at the
 * end (an end-of-sequence token), which no delta carries.
 */
public final class TextGenerator {

    private final TransformerModel model;
    private final GenerationConfig modelDefaults;

    public TextGenerator(TransformerModel model) {
        if (model.task() != HeadType.CAUSAL_LM) {
            throw new IllegalArgumentException("not a causal language model: " + model.task());
        }
        this.model = model;
        this.modelDefaults = GenerationConfig.modelDefaults(model.sourceDirectory());
    }

    /** The settings of the model's {@code generation_config.json}, what a call without settings of its own uses. */
    public GenerationConfig modelDefaults() {
        return modelDefaults;
    }

    /** The end-of-sequence ids from {@code generation_config.json}, else from {@code config.json}. */
    public List<Long> defaultEosTokenIds() {
        if (modelDefaults.eosTokenIds() != null) {
            return modelDefaults.eosTokenIds();
        }
        return List.copyOf(model.config().longList("eos_token_id"));
    }

    /** Hears a generation's text as it is produced (see the class comment). */
    @FunctionalInterface
    public interface TokenListener {
        /**
         * The text that the newest token(s) added, never empty, and the log-probabilities of the tokens whose text
         * begins in it (empty unless {@link GenerationConfig#logprobs()} asks for them).
         */
        void onText(String delta, List<Generation.TokenLogprob> logprobs);
    }

    public Generation generate(String prompt, GenerationConfig config) {
        return generate(List.of(prompt), config).get(0);
    }

    /** Generates for one prompt, telling {@code listener} each piece of new text as soon as it is decoded. */
    public Generation generate(String prompt, GenerationConfig config, TokenListener listener) {
        return generateIds(model.tokenizer().encode(prompt), config, listener);
    }

    /** Generates for all prompts as one left-padded batch (see the class comment for the random streams). */
    public List<Generation> generate(List<String> prompts, GenerationConfig config) {
        List<long[]> ids = new ArrayList<>(prompts.size());
        for (String prompt : prompts) {
            ids.add(model.tokenizer().encode(prompt));
        }
        return generateBatch(ids, config);
    }

    /** Generates from already tokenized ids. */
    public Generation generateIds(long[] promptIds, GenerationConfig config) {
        return generateIds(promptIds, config, null);
    }

    /** Generates from already tokenized ids, telling {@code listener} (if not null) each piece of new text. */
    public Generation generateIds(long[] promptIds, GenerationConfig config, TokenListener listener) {
        return run(List.of(promptIds), List.of(config), listener).get(0);
    }

    /** Generates from already tokenized prompts as one left-padded batch. */
    public List<Generation> generateBatch(List<long[]> promptIds, GenerationConfig config) {
        List<GenerationConfig> configs = new ArrayList<>(promptIds.size());
        for (int row = 0; row < promptIds.size(); row++) {
            configs.add(config.withSeed(config.seed() + row));
        }
        return run(promptIds, configs, null);
    }

    /**
     * Generates from already tokenized prompts as one left-padded batch, each with settings of its own (its seed,
     * length, sampling, stop strings, end-of-sequence ids): what several separate calls would give, in one pass
     * per step. Row {@code i} draws from a random stream seeded by {@code configs.get(i).seed()}.
     */
    public List<Generation> generateBatch(List<long[]> promptIds, List<GenerationConfig> configs) {
        if (promptIds.size() != configs.size()) {
            throw new IllegalArgumentException(promptIds.size() + " prompts with " + configs.size() + " settings");
        }
        return run(promptIds, configs, null);
    }

    private List<Generation> run(List<long[]> prompts, List<GenerationConfig> configs, TokenListener listener) {
        if (prompts.isEmpty()) {
            return List.of();
        }
        int limit = model.maxSequenceLength();
        int longest = 0;
        for (long[] prompt : prompts) {
            if (prompt.length == 0) {
                throw new IllegalArgumentException("empty prompt: the model needs at least one token to condition on");
            }
            if (prompt.length > limit) {
                throw new IllegalArgumentException("prompt of " + prompt.length + " tokens exceeds the model's "
                        + limit + " positions");
            }
            longest = Math.max(longest, prompt.length);
        }
        List<Row> rows = new ArrayList<>(prompts.size());
        for (int index = 0; index < prompts.size(); index++) {
            rows.add(new Row(prompts.get(index), configs.get(index), listener));
        }
        int width = longest;
        try (KeyValueCache cache = model.openCache()) {
            long[][] ids = new long[rows.size()][];
            long[][] positions = new long[rows.size()][];
            for (int r = 0; r < rows.size(); r++) {
                long[] prompt = prompts.get(r);
                int padding = width - prompt.length;
                ids[r] = new long[width];
                positions[r] = new long[width];
                for (int p = 0; p < width; p++) {
                    // Padding holds position 1 and a token id that attention never sees, as in transformers.
                    ids[r][p] = p < padding ? prompt[0] : prompt[p - padding];
                    positions[r][p] = p < padding ? 1 : p - padding;
                }
            }
            while (true) {
                for (Row row : rows) {
                    row.checkLength(limit);
                }
                if (rows.stream().allMatch(Row::finished)) {
                    break;
                }
                float[][] logits = step(ids, positions, mask(rows, longest, width), cache);
                for (int r = 0; r < rows.size(); r++) {
                    Row row = rows.get(r);
                    // A finished row is fed its last token again (its answers are not read) to keep the batch whole.
                    long token = row.finished() ? ids[r][ids[r].length - 1] : row.choose(logits[r]);
                    ids[r] = new long[] {token};
                    positions[r] = new long[] {Math.max(0, row.promptLength() + row.generatedCount() - 1L)};
                }
                width++;
            }
        }
        List<Generation> generations = new ArrayList<>(rows.size());
        for (Row row : rows) {
            generations.add(row.result());
        }
        return generations;
    }

    /** The attention mask over all positions so far: each row's left padding hidden. */
    private static long[][] mask(List<Row> rows, int longest, int width) {
        long[][] mask = new long[rows.size()][width];
        for (int r = 0; r < rows.size(); r++) {
            Arrays.fill(mask[r], longest - rows.get(r).promptLength(), width, 1L);
        }
        return mask;
    }

    /** One pass of the new positions through the model: each row's next-token logits. */
    private float[][] step(long[][] ids, long[][] positions, long[][] mask, KeyValueCache cache) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray logits = model.nextTokenLogits(step.create(ids), step.create(positions), step.create(mask),
                    cache);
            Shape shape = logits.getShape();
            float[] flat = logits.toFloatArray();
            int vocabulary = (int) shape.get(1);
            float[][] rows = new float[(int) shape.get(0)][];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = Arrays.copyOfRange(flat, r * vocabulary, (r + 1) * vocabulary);
            }
            return rows;
        }
    }

    /** One prompt's generation as it goes. */
    private final class Row {
        private final long[] prompt;
        private final GenerationConfig config;
        private final Random random;
        private final Set<Long> eos;
        private final Deltas deltas;
        private final long[] tokens;
        private final List<Generation.TokenLogprob> logprobs = new ArrayList<>();
        /** Whether the text is decoded after every token: someone reads it before the end. */
        private final boolean decodesEachStep;
        private int generated;
        /** The text of the tokens so far, when {@link #decodesEachStep}. */
        private String sofar = "";
        private Generation.FinishReason reason;
        private String text;

        Row(long[] prompt, GenerationConfig config, TokenListener listener) {
            this.prompt = prompt;
            this.config = config;
            this.random = new Random(config.seed());
            this.eos = new HashSet<>(config.eosTokenIds() == null ? defaultEosTokenIds() : config.eosTokenIds());
            this.deltas = listener == null ? null : new Deltas(listener, config.stopStrings());
            this.tokens = new long[config.maxNewTokens()];
            this.decodesEachStep = deltas != null || !config.stopStrings().isEmpty()
                    || config.logprobs() != GenerationConfig.NO_LOGPROBS;
        }

        int promptLength() {
            return prompt.length;
        }

        int generatedCount() {
            return generated;
        }

        boolean finished() {
            return reason != null;
        }

        /** Ends the row when it has all the tokens it may have, or the model has no position left for it. */
        void checkLength(int limit) {
            if (reason != null) {
                return;
            }
            if (generated >= config.maxNewTokens()) {
                finish(Generation.FinishReason.MAX_NEW_TOKENS);
            } else if (prompt.length + generated >= limit) {
                finish(Generation.FinishReason.CONTEXT_FULL);
            }
        }

        long choose(float[] logits) {
            // Log-probabilities are the model's own: read before the penalty changes the logits in place.
            float[] raw = config.logprobs() == GenerationConfig.NO_LOGPROBS ? null : logits.clone();
            if (config.repetitionPenalty() != 1.0) {
                penalise(logits);
            }
            long token = config.sample() ? sample(logits, config, random) : argmax(logits);
            tokens[generated++] = token;
            if (raw != null) {
                Generation.TokenLogprob logprob = logprob(token, completeLength(sofar), raw, config.logprobs());
                logprobs.add(logprob);
                if (deltas != null) {
                    deltas.token(logprob);
                }
            }
            if (eos.contains(token)) {
                finish(Generation.FinishReason.EOS);
                return token;
            }
            if (!decodesEachStep) {
                // Nobody reads the text before the end: it is decoded once, then.
                return token;
            }
            sofar = decode(Arrays.copyOf(tokens, generated));
            int stop = firstStop(sofar, config.stopStrings());
            if (stop >= 0) {
                text = sofar.substring(0, stop);
                finish(Generation.FinishReason.STOP);
            } else if (deltas != null) {
                deltas.decoded(sofar, false);
            }
            return token;
        }

        /** The generated text: without the EOS token that ended it, or cut before the stop string. */
        private String finalText() {
            return decode(Arrays.copyOf(tokens, reason == Generation.FinishReason.EOS ? generated - 1 : generated));
        }

        /** {@code transformers}' repetition penalty over the prompt's and the generated tokens. */
        private void penalise(float[] logits) {
            Set<Long> seen = new HashSet<>();
            for (long id : prompt) {
                seen.add(id);
            }
            for (int index = 0; index < generated; index++) {
                seen.add(tokens[index]);
            }
            float penalty = (float) config.repetitionPenalty();
            for (long id : seen) {
                int token = (int) id;
                if (token >= 0 && token < logits.length) {
                    logits[token] = logits[token] < 0 ? logits[token] * penalty : logits[token] / penalty;
                }
            }
        }

        private void finish(Generation.FinishReason why) {
            reason = why;
            if (why != Generation.FinishReason.STOP) {
                text = finalText();
            }
            if (deltas != null) {
                deltas.decoded(text, true);
            }
        }

        Generation result() {
            // Cut by a stop string: the tokens from it on are not the text's.
            List<Generation.TokenLogprob> kept = reason != Generation.FinishReason.STOP ? logprobs
                    : logprobs.stream().filter(t -> t.offset() < text.length()).toList();
            return new Generation(prompt, Arrays.copyOf(tokens, generated), text, reason, kept);
        }
    }

    /**
     * Token {@code token}'s log-probability under {@code logits} (their log-softmax), with the {@code top} likeliest
     * tokens', most likely first.
     */
    private Generation.TokenLogprob logprob(long token, int offset, float[] logits, int top) {
        return logprob(token, offset, logits, logSumExp(logits), top);
    }

    /**
     * {@link #logprob(long, int, float[], int)} of values whose log-softmax is each value less {@code logSumExp}: the
     * logits and their {@link #logSumExp}, or log-probabilities already and 0.
     */
    private Generation.TokenLogprob logprob(long token, int offset, float[] logits, double logSumExp, int top) {
        List<Generation.Candidate> candidates = new ArrayList<>(top);
        for (int id : likeliest(logits, top)) {
            candidates.add(new Generation.Candidate(id, decodeToken(id), logits[id] - logSumExp));
        }
        return new Generation.TokenLogprob(token, decodeToken(token), offset, logits[(int) token] - logSumExp,
                candidates);
    }

    /** {@code log(sum(exp(logits)))}, computed in double from the largest logit. */
    static double logSumExp(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        return max + Math.log(sum);
    }

    /** The ids of the {@code count} largest logits, largest first; on ties the lower id first. */
    static int[] likeliest(float[] logits, int count) {
        int kept = Math.min(count, logits.length);
        int[] best = new int[kept];
        int size = 0;
        for (int id = 0; id < logits.length; id++) {
            if (size == kept && (kept == 0 || logits[id] <= logits[best[kept - 1]])) {
                continue;
            }
            // Insert after every kept id whose logit is at least as large: earlier ids stay first on ties.
            int at = size == kept ? kept - 1 : size++;
            while (at > 0 && logits[best[at - 1]] < logits[id]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = id;
        }
        return best;
    }

    /** The length of {@code text} without the U+FFFD at its end: a character whose bytes are not all generated yet. */
    private static int completeLength(String text) {
        int length = text.length();
        while (length > 0 && text.charAt(length - 1) == '\uFFFD') {
            length--;
        }
        return length;
    }

    /** One token's text, special tokens included. */
    private String decodeToken(long id) {
        return model.tokenizer().decode(new long[] {id}, false);
    }

    /** Ids as text, special tokens left out: what a generation's text is decoded as. */
    public String decode(long[] ids) {
        return ids.length == 0 ? "" : model.tokenizer().decode(ids, true);
    }

    /** Where the earliest of {@code stops} begins in {@code text}, or -1. */
    static int firstStop(String text, List<String> stops) {
        int first = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** What a listener has heard so far, and the next piece of text (with its tokens' log-probabilities) to tell it. */
    static final class Deltas {
        private final TokenListener listener;
        private final List<String> stops;
        /** Tokens whose text has not been told yet. */
        private final List<Generation.TokenLogprob> pending = new ArrayList<>();
        private String heard = "";

        Deltas(TokenListener listener) {
            this(listener, List.of());
        }

        Deltas(TokenListener listener, List<String> stops) {
            this.listener = listener;
            this.stops = stops;
        }

        /** A new token's log-probability, told with the delta its text begins in. */
        void token(Generation.TokenLogprob logprob) {
            pending.add(logprob);
        }

        /**
         * The whole text decoded so far. Text that ends in U+FFFD (a character whose bytes are not all
         * generated yet) or in the beginning of a stop string waits for the next token, unless it is the end;
         * text that does not extend what was heard (a decoder that rewrote earlier text) waits until it does
         * again.
         */
        void decoded(String text, boolean last) {
            String told = last ? text : text.substring(0, text.length() - pendingStop(text));
            if (!told.startsWith(heard) || told.length() == heard.length() || (!last && told.endsWith("\uFFFD"))) {
                return;
            }
            String delta = told.substring(heard.length());
            heard = told;
            int begun = 0;
            while (begun < pending.size() && pending.get(begun).offset() < told.length()) {
                begun++;
            }
            List<Generation.TokenLogprob> tokens = List.copyOf(pending.subList(0, begun));
            pending.subList(0, begun).clear();
            listener.onText(delta, tokens);
        }

        /** The length of the longest end of {@code text} that is the beginning of a stop string. */
        private int pendingStop(String text) {
            int longest = 0;
            for (String stop : stops) {
                for (int length = Math.min(stop.length() - 1, text.length()); length > longest; length--) {
                    if (text.endsWith(stop.substring(0, length))) {
                        longest = length;
                        break;
                    }
                }
            }
            return longest;
        }
    }

    /** The logits of the token after {@code ids} by a whole pass without a cache: what the cache must reproduce. */
    float[] nextTokenLogits(long[] ids) {
        try (NDManager step = model.manager().newSubManager()) {
            return positionLogits(step, ids).get(ids.length - 1).toFloatArray();
        }
    }

    /**
     * How likely the model finds each token of a prompt given the ones before it, as OpenAI's {@code echo} with
     * {@code logprobs} reports it (and evaluation harnesses read it to score a continuation): one pass without a cache,
     * the log-softmax of every position's logits taken by libtorch (in Java, the exponentials of a GPT-2 vocabulary at
     * 512 positions added 0.15 s to 0.68 s), each position's then read one at a time. The first token
     * has no log-probability (nothing conditions it);
     * offsets are in the prompt as its tokens decode ({@link #prefixLengths}).
     *
     * @param top how many of the likeliest tokens to report at each position
     */
    public List<Generation.TokenLogprob> promptLogprobs(long[] ids, int top) {
        if (ids.length == 0 || ids.length > model.maxSequenceLength()) {
            throw new IllegalArgumentException("a prompt of " + ids.length + " tokens; the model takes 1 to "
                    + model.maxSequenceLength());
        }
        List<Generation.TokenLogprob> tokens = new ArrayList<>(ids.length);
        tokens.add(new Generation.TokenLogprob(ids[0], decodeToken(ids[0]), 0, null, List.of()));
        int[] offsets = prefixLengths(ids, this::decode);
        try (NDManager step = model.manager().newSubManager()) {
            NDArray logProbabilities = positionLogits(step, ids).logSoftmax(1);
            for (int position = 1; position < ids.length; position++) {
                tokens.add(logprob(ids[position], offsets[position], logProbabilities.get(position - 1).toFloatArray(),
                        0, top));
            }
        }
        return tokens;
    }

    /** Tokens decoded before a window's own, so that the window's first token decodes as it does in the text. */
    private static final int WINDOW_CONTEXT = 4;
    /** Tokens a window grows by before it moves on. */
    private static final int WINDOW_STRIDE = 16;

    /**
     * The length of the text each prefix of {@code ids} decodes to, without a character whose bytes are not all there
     * yet at its end: {@code lengths[p]} for the first {@code p} tokens ({@code lengths[0]} is 0), a token's offset.
     * Decoding every prefix whole costs time quadratic in the prompt's length (8 ms for 512 tokens, 16 times that
     * for 2,048); here each prefix's text is the text up to a recent position whose text is complete, plus what the
     * tokens since decode to beyond what the few tokens before that position decode to alone: a window of
     * {@value #WINDOW_CONTEXT} + {@value #WINDOW_STRIDE} + 1 tokens or so (more where the tokens before are special
     * ones, which decode to nothing). Decoders join tokens by what is next to them
     * (bytes into characters, a word's pieces, a leading space kept or dropped), so this is the whole prefix's length.
     * Where a token rewrites text before the window's own (WordPiece's clean-up makes {@code it ' s} {@code it's}),
     * the window's text does not extend its context's: that prefix is decoded whole, and the window starts there. Should
     * the last prefix's length still differ from decoding the whole, every prefix is decoded whole instead.
     */
    static int[] prefixLengths(long[] ids, Function<long[], String> decode) {
        int[] lengths = new int[ids.length + 1];
        int anchor = 0;
        int from = 0;
        String context = "";
        for (int end = 1; end <= ids.length; end++) {
            String window = decode.apply(Arrays.copyOfRange(ids, from, end));
            boolean rewritten = !window.startsWith(context);
            if (rewritten) {
                window = decode.apply(Arrays.copyOf(ids, end));
                lengths[end] = completeLength(window);
            } else {
                // The text up to the anchor is complete, so what the window adds is all that can end in U+FFFD.
                lengths[end] = lengths[anchor] + completeLength(window.substring(context.length()));
            }
            if ((rewritten || end - anchor >= WINDOW_STRIDE) && !window.endsWith("\uFFFD")) {
                anchor = end;
                from = end;
                do {
                    // Tokens left out of the text (special ones) are no context: back until some text.
                    from = Math.max(0, from - WINDOW_CONTEXT);
                    context = decode.apply(Arrays.copyOfRange(ids, from, end));
                } while (context.isEmpty() && from > 0);
            }
        }
        return lengths[ids.length] == completeLength(decode.apply(ids)) ? lengths : wholePrefixLengths(ids, decode);
    }

    /** {@link #prefixLengths}, each prefix decoded whole. */
    static int[] wholePrefixLengths(long[] ids, Function<long[], String> decode) {
        int[] lengths = new int[ids.length + 1];
        for (int end = 1; end <= ids.length; end++) {
            lengths[end] = completeLength(decode.apply(Arrays.copyOf(ids, end)));
        }
        return lengths;
    }

    /** The logits at every position of {@code ids} ({@code [positions, vocabulary]}), in {@code manager}. */
    private NDArray positionLogits(NDManager manager, long[] ids) {
        long[][] inputIds = {ids};
        long[][] mask = new long[1][ids.length];
        Arrays.fill(mask[0], 1L);
        NDList inputs = new NDList(manager.create(inputIds), manager.create(mask),
                manager.create(new long[1][ids.length]));
        return model.forward(inputs, false).singletonOrThrow().get(0);
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
}
