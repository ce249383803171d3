package io.modelcat.ml.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.arch.EncoderDecoderCache;
import io.modelcat.ml.model.Seq2SeqModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Generates with an encoder-decoder ({@link Seq2SeqModel}) as {@code transformers}' {@code generate} does: the encoder
 * runs once over the source batch, then the decoder one position a step from the decoder start token against an
 * {@link EncoderDecoderCache}; greedy decoding for one beam, beam search for more, under the logits processors that the
 * {@link GenerationSettings} turn on. Settings a call leaves as they are come from the model's
 * {@code generation_config.json} ({@link #modelDefaults()}).
 *
 * <p>Works on token ids: each result row holds the new ids after the decoder start token, ending with the
 * end-of-sequence token when the row ended with it.
 */
public final class Seq2SeqGenerator {

    private final Seq2SeqModel model;
    private final GenerationSettings modelDefaults;

    public Seq2SeqGenerator(Seq2SeqModel model) {
        this.model = model;
        this.modelDefaults = GenerationSettings.modelDefaults(model.sourceDirectory());
    }

    /** What {@code generate} starts from for this model: its generation config over transformers' defaults. */
    public GenerationSettings modelDefaults() {
        return modelDefaults;
    }

    /** Generates with the model's own settings. */
    public List<long[]> generate(long[][] inputIds, long[][] attentionMask) {
        return generate(inputIds, attentionMask, modelDefaults);
    }

    /**
     * Generates for a source batch (padded rows hidden by {@code attentionMask}).
     *
     * @return per row, the generated ids after the decoder start token, up to and including its end token if any
     */
    public List<long[]> generate(long[][] inputIds, long[][] attentionMask, GenerationSettings settings) {
        return run(inputIds, attentionMask, settings, settings.numBeams() == 1);
    }

    /**
     * Beam search even with one beam, which transformers never runs (it decodes greedily): with
     * {@code early_stopping=True} and no processor that depends on the scores' scale, it must give greedy's ids.
     */
    List<long[]> beamSearch(long[][] inputIds, long[][] attentionMask, GenerationSettings settings) {
        return run(inputIds, attentionMask, settings, false);
    }

    private List<long[]> run(long[][] inputIds, long[][] attentionMask, GenerationSettings settings,
            boolean greedy) {
        if (inputIds.length == 0) {
            return List.of();
        }
        if (inputIds.length != attentionMask.length) {
            throw new IllegalArgumentException(inputIds.length + " input rows with " + attentionMask.length
                    + " mask rows");
        }
        int maxLength = settings.resolvedMaxLength(model.config());
        if (maxLength < 2) {
            throw new IllegalArgumentException("a maximum length of " + maxLength
                    + " leaves no room after the decoder start token");
        }
        LogitsProcessors processors = new LogitsProcessors(settings, settings.resolvedMinLength(), maxLength);
        try (NDManager generation = model.manager().newSubManager();
                EncoderDecoderCache cache = model.openCache(generation)) {
            NDArray mask = generation.create(attentionMask);
            NDArray encoded = model.network().encode(generation.create(inputIds), mask);
            int beams = settings.numBeams();
            if (greedy) {
                return greedy(settings, processors, maxLength, encoded, attentionMask, cache);
            }
            // Each input's encoder output serves all its beams: rows 0..beams-1 are input 0's, and so on.
            long[][] beamMask = new long[attentionMask.length * beams][];
            for (int row = 0; row < beamMask.length; row++) {
                beamMask[row] = attentionMask[row / beams];
            }
            return search(settings, processors, maxLength, beams == 1 ? encoded : encoded.repeat(0, beams), beamMask,
                    cache);
        }
    }

    private List<long[]> greedy(GenerationSettings settings, LogitsProcessors processors, int maxLength,
            NDArray encoded, long[][] mask, EncoderDecoderCache cache) {
        Set<Long> eos = new HashSet<>(settings.eosTokenIds());
        int batch = mask.length;
        long[][] sequences = new long[batch][];
        boolean[] done = new boolean[batch];
        for (int row = 0; row < batch; row++) {
            sequences[row] = new long[] {settings.decoderStartTokenId()};
        }
        boolean running = true;
        while (running) {
            float[][] logits = step(lastTokens(sequences), encoded, mask, cache, false);
            running = false;
            for (int row = 0; row < batch; row++) {
                processors.apply(sequences[row], logits[row]);
                long token = done[row] ? settings.padTokenId() : TextGenerator.argmax(logits[row]);
                sequences[row] = append(sequences[row], token);
                done[row] |= eos.contains(token) || sequences[row].length >= maxLength;
                running |= !done[row];
            }
        }
        List<long[]> generated = new ArrayList<>(batch);
        for (long[] sequence : sequences) {
            generated.add(untilEnd(sequence, eos));
        }
        return generated;
    }

    private List<long[]> search(GenerationSettings settings, LogitsProcessors processors, int maxLength,
            NDArray encoded, long[][] mask, EncoderDecoderCache cache) {
        int beams = settings.numBeams();
        int batch = mask.length / beams;
        Set<Long> eos = new HashSet<>(settings.eosTokenIds());
        List<BeamSearch> searches = new ArrayList<>(batch);
        for (int input = 0; input < batch; input++) {
            searches.add(new BeamSearch(settings.decoderStartTokenId(), beams, settings, maxLength, eos));
        }
        while (true) {
            long[][] running = new long[batch * beams][];
            for (int input = 0; input < batch; input++) {
                System.arraycopy(searches.get(input).running(), 0, running, input * beams, beams);
            }
            float[][] logProbabilities = step(lastTokens(running), encoded, mask, cache, true);
            int[] order = new int[batch * beams];
            for (int input = 0; input < batch; input++) {
                float[][] rows = Arrays.copyOfRange(logProbabilities, input * beams, (input + 1) * beams);
                for (int beam = 0; beam < beams; beam++) {
                    processors.apply(running[input * beams + beam], rows[beam]);
                }
                BeamSearch search = searches.get(input);
                search.step(rows);
                for (int beam = 0; beam < beams; beam++) {
                    order[input * beams + beam] = input * beams + search.sourceBeams()[beam];
                }
            }
            cache.reorder(order);
            // transformers runs the batch until no input can improve, all are full (early stopping), or no beam can
            // continue; an input that is done meanwhile takes no further finished beams.
            boolean improvement = searches.stream().anyMatch(BeamSearch::improvementPossible);
            boolean full = settings.earlyStopping() == GenerationSettings.EarlyStopping.TRUE
                    && searches.stream().allMatch(BeamSearch::allFinished);
            boolean stopped = searches.stream().allMatch(BeamSearch::allCandidatesStopped);
            if (!improvement || full || stopped) {
                break;
            }
        }
        List<long[]> generated = new ArrayList<>(batch);
        for (BeamSearch search : searches) {
            generated.add(search.best());
        }
        return generated;
    }

    /** One decoder pass of one new position per row: logits, or log-probabilities, (rows, vocab). */
    private float[][] step(long[] tokens, NDArray encoded, long[][] mask, EncoderDecoderCache cache,
            boolean logProbabilities) {
        try (NDManager pass = model.manager().newSubManager()) {
            long[][] ids = new long[tokens.length][];
            for (int row = 0; row < tokens.length; row++) {
                ids[row] = new long[] {tokens[row]};
            }
            NDArray logits = model.network().logits(pass.create(ids), encoded, pass.create(mask), cache).squeeze(1);
            if (logProbabilities) {
                logits = logits.logSoftmax(-1);
            }
            float[] flat = logits.toFloatArray();
            int vocabulary = flat.length / tokens.length;
            float[][] rows = new float[tokens.length][];
            for (int row = 0; row < rows.length; row++) {
                rows[row] = Arrays.copyOfRange(flat, row * vocabulary, (row + 1) * vocabulary);
            }
            return rows;
        }
    }

    private static long[] lastTokens(long[][] sequences) {
        long[] last = new long[sequences.length];
        for (int row = 0; row < sequences.length; row++) {
            last[row] = sequences[row][sequences[row].length - 1];
        }
        return last;
    }

    private static long[] append(long[] sequence, long token) {
        long[] longer = Arrays.copyOf(sequence, sequence.length + 1);
        longer[sequence.length] = token;
        return longer;
    }

    /** The ids after the start token, up to and including the first end token. */
    private static long[] untilEnd(long[] sequence, Set<Long> eos) {
        for (int index = 1; index < sequence.length; index++) {
            if (eos.contains(sequence[index])) {
                return Arrays.copyOfRange(sequence, 1, index + 1);
            }
        }
        return Arrays.copyOfRange(sequence, 1, sequence.length);
    }
}
