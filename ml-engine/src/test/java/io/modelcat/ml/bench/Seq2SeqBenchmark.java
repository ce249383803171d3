package io.modelcat.ml.bench;

import io.modelcat.ml.infer.GenerationSettings;
import io.modelcat.ml.infer.Seq2SeqGenerator;
import io.modelcat.ml.model.Seq2SeqModel;
import io.modelcat.ml.train.Seq2SeqFineTuner;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.ml.train.TrainingProgress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Encoder-decoder speed on the ML engine (issue 17's figures): teacher-forced training samples per second through the
 * {@link Seq2SeqFineTuner} that fine-tune jobs use, or beam-search latency per input through the {@link Seq2SeqGenerator}
 * that summarization and translation use. Not a test: {@code bench/seq2seq/run.sh} runs it beside
 * {@code bench/seq2seq/peer.py} ({@code transformers}) on the same model, ids and settings. Options ({@code --name value}):
 *
 * <pre>
 * --mode          train or generate (required)
 * --model-dir     a Hub-layout encoder-decoder checkpoint (required)
 * --threads       libtorch intra-op threads (default 2)
 * train:    --batch (8), --source (512), --target (128) tokens, --warmup (1) untimed steps, --steps (3) timed steps
 * generate: --source (512) tokens, --new-tokens (64), --beams (4), --rounds (3) timed rounds after one untimed round
 *           of 4 new tokens
 * </pre>
 *
 * Training runs AdamW at 1e-4 without weight decay and clipping at 1.0, as the peer; the engine has no dropout (the
 * peer turns it off). Generation takes one input at a time and makes exactly {@code --new-tokens} tokens (the minimum
 * is the maximum, so that a random model's end token ends no round early), length penalty 1, early stopping off, the
 * model's generation config otherwise. Prints one {@code RESULT <json>} line.
 */
public final class Seq2SeqBenchmark {

    /** The untimed round's new tokens: enough to run every path once (the encoder, the first step, a cached step). */
    private static final int WARMUP_TOKENS = 4;

    private Seq2SeqBenchmark() {}

    public static void main(String[] arguments) throws IOException {
        Map<String, String> options = BenchProcess.options(arguments);
        String threads = options.getOrDefault("threads", "2");
        BenchProcess.startEngine(threads);
        Path directory = Path.of(options.get("model-dir"));
        try (Seq2SeqModel model = Seq2SeqModel.load(directory)) {
            String result = "train".equals(options.get("mode")) ? train(model, options) : generate(model, options);
            System.out.println("RESULT " + String.format(Locale.ROOT,
                    "{\"framework\":\"modelcat\",\"model\":\"%s\",%s,\"threads\":%s,\"peak_rss_mib\":%d}",
                    directory.getFileName(), result, threads, BenchProcess.peakResidentMebibytes()));
        }
    }

    private static String train(Seq2SeqModel model, Map<String, String> options) {
        int batch = Integer.parseInt(options.getOrDefault("batch", "8"));
        int sourceTokens = Integer.parseInt(options.getOrDefault("source", "512"));
        int targetTokens = Integer.parseInt(options.getOrDefault("target", "128"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "1"));
        int steps = Integer.parseInt(options.getOrDefault("steps", "3"));
        int vocabulary = model.config().requiredInt("vocab_size");
        long eos = model.config().optionalLong("eos_token_id").orElseThrow();
        List<Seq2SeqFineTuner.Pair> pairs = new ArrayList<>();
        for (int row = 0; row < batch; row++) {
            pairs.add(new Seq2SeqFineTuner.Pair(source(sourceTokens, vocabulary, eos, row),
                    source(targetTokens, vocabulary, eos, 1000 + row)));
        }
        List<TrainingProgress> progress = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void onStep(TrainingProgress step) {
                progress.add(step);
            }
        };
        // One batch per epoch, the same batch each step (its order shuffled), as the peer repeats its batch; a constant
        // rate (no warm-up or decay steps to speak of: the schedule's arithmetic is per step and negligible).
        TrainingConfig config = TrainingConfig.defaults().withEpochs(warmup + steps).withBatchSize(batch)
                .withLearningRate(1e-4).withWeightDecay(0.0).withWarmupRatio(0.0);
        new Seq2SeqFineTuner(config, listener).fit(model, pairs);
        double[] timed = progress.stream().skip(warmup).mapToDouble(TrainingProgress::samplesPerSecond).toArray();
        return String.format(Locale.ROOT, "\"mode\":\"train\",\"batch\":%d,\"source_tokens\":%d,\"target_tokens\":%d,"
                        + "\"samples_per_s\":%.3f,\"steps_samples_per_s\":%s,\"first_loss\":%.4f,\"last_loss\":%.4f",
                batch, sourceTokens, targetTokens, median(timed), list(timed), progress.get(0).loss(),
                progress.get(progress.size() - 1).loss());
    }

    private static String generate(Seq2SeqModel model, Map<String, String> options) {
        int sourceTokens = Integer.parseInt(options.getOrDefault("source", "512"));
        int newTokens = Integer.parseInt(options.getOrDefault("new-tokens", "64"));
        int beams = Integer.parseInt(options.getOrDefault("beams", "4"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        long eos = model.config().optionalLong("eos_token_id").orElseThrow();
        long[][] input = {source(sourceTokens, model.config().requiredInt("vocab_size"), eos, 0)};
        long[][] mask = {new long[sourceTokens]};
        Arrays.fill(mask[0], 1L);
        Seq2SeqGenerator generator = new Seq2SeqGenerator(model);
        GenerationSettings settings = generator.modelDefaults().withNumBeams(beams).withMaxNewTokens(newTokens)
                .withMinNewTokens(newTokens).withLengthPenalty(1.0)
                .withEarlyStopping(GenerationSettings.EarlyStopping.FALSE);
        double[] seconds = new double[rounds];
        long[] generated = null;
        for (int round = -1; round < rounds; round++) {
            int count = round < 0 ? WARMUP_TOKENS : newTokens;
            long started = System.nanoTime();
            generated = generator.generate(input, mask, settings.withMaxNewTokens(count).withMinNewTokens(count))
                    .get(0);
            if (round >= 0) {
                seconds[round] = (System.nanoTime() - started) / 1e9;
            }
        }
        return String.format(Locale.ROOT, "\"mode\":\"generate\",\"source_tokens\":%d,\"new_tokens\":%d,\"beams\":%d,"
                        + "\"s_per_input\":%.3f,\"rounds_s\":%s,\"first_ids\":%s",
                sourceTokens, generated.length, beams, median(seconds), list(seconds),
                Arrays.toString(Arrays.copyOf(generated, Math.min(8, generated.length))));
    }

    /** {@code length - 1} of the benchmark's fixed ids, {@code shift} positions on, then the end token (as the peer's). */
    static long[] source(int length, int vocabulary, long eos, int shift) {
        long[] ids = new long[length];
        for (int index = 0; index < length - 1; index++) {
            ids[index] = 100 + ((index + shift) * 7919L) % (vocabulary - 200);
        }
        ids[length - 1] = eos;
        return ids;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        // As Python's statistics.median: the mean of the two middle values of an even count.
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String list(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).toList().toString();
    }
}
