package io.modelcat.ml.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.arch.EncoderDecoderCache;
import io.modelcat.ml.model.Seq2SeqModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Where a beam-4 summarization's time goes in the engine (docs/performance.md, "Summarization and translation"): the
 * encoder's pass over a 512-token input, then decoder steps of 4 rows as {@code Seq2SeqGenerator}'s beam search runs
 * them, each split into the decoder pass (with the cache), the log-softmax and copy of the logits to Java, and the
 * cache's reorder; averages per 16 steps, so that a cost growing with the generated length shows. Not a test. Options:
 * {@code --model-dir} (required), {@code --threads} (2), {@code --steps} (64), {@code --source} (512).
 */
public final class Seq2SeqStepProfile {

    private static final int BEAMS = 4;
    private static final int REPORT_EVERY = 16;

    private Seq2SeqStepProfile() {}

    public static void main(String[] arguments) {
        Map<String, String> options = BenchProcess.options(arguments);
        BenchProcess.startEngine(options.getOrDefault("threads", "2"));
        int steps = Integer.parseInt(options.getOrDefault("steps", "64"));
        int sourceTokens = Integer.parseInt(options.getOrDefault("source", "512"));
        try (Seq2SeqModel model = Seq2SeqModel.load(Path.of(options.get("model-dir")));
                NDManager generation = model.manager().newSubManager();
                EncoderDecoderCache cache = model.openCache(generation)) {
            long eos = model.config().optionalLong("eos_token_id").orElseThrow();
            long[][] source = {Seq2SeqBenchmark.source(sourceTokens, model.config().requiredInt("vocab_size"), eos, 0)};
            long[] ones = new long[sourceTokens];
            Arrays.fill(ones, 1L);
            long[][] beamMask = new long[BEAMS][];
            Arrays.fill(beamMask, ones);
            long started = System.nanoTime();
            NDArray encoded = model.network().encode(generation.create(source), generation.create(new long[][] {ones}))
                    .repeat(0, BEAMS);
            System.out.printf(Locale.ROOT, "encoder: %.3f s%n", (System.nanoTime() - started) / 1e9);
            double decoder = 0;
            double logSoftmax = 0;
            double reorder = 0;
            for (int step = 1; step <= steps; step++) {
                try (NDManager pass = model.manager().newSubManager()) {
                    long t0 = System.nanoTime();
                    NDArray logits = model.network().logits(pass.create(new long[][] {{5}, {6}, {7}, {8}}), encoded,
                            pass.create(beamMask), cache).squeeze(1);
                    long t1 = System.nanoTime();
                    logits.logSoftmax(-1).toFloatArray();
                    long t2 = System.nanoTime();
                    cache.reorder(new int[] {0, 0, 1, 2});
                    long t3 = System.nanoTime();
                    decoder += (t1 - t0) / 1e9;
                    logSoftmax += (t2 - t1) / 1e9;
                    reorder += (t3 - t2) / 1e9;
                }
                if (step % REPORT_EVERY == 0) {
                    System.out.printf(Locale.ROOT, "steps %d-%d per step: decoder %.3f s, log-softmax and copy %.3f s, "
                            + "cache reorder %.3f s%n", step - REPORT_EVERY + 1, step, decoder / REPORT_EVERY,
                            logSoftmax / REPORT_EVERY, reorder / REPORT_EVERY);
                    decoder = 0;
                    logSoftmax = 0;
                    reorder = 0;
                }
            }
        }
    }
}
