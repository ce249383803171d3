package io.modelcat.ml.bench;

import io.modelcat.ml.infer.Generation;
import io.modelcat.ml.infer.GenerationConfig;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Greedy generation speed of a causal LM on the ML engine, through the {@link TextGenerator} that jobs and
 * deployments use: time to first token and tokens per second, at several prompt lengths. Not a test: run it
 * with {@code bench/generation/run.sh}, which runs {@code bench/generation/peer.py} ({@code transformers}'
 * {@code generate}) on the same model beside it. Options (all {@code --name value}):
 *
 * <pre>
 * --model-dir     a Hub-layout causal LM checkpoint (required)
 * --prompts       comma-separated prompt lengths in tokens (default 32,512)
 * --new-tokens    tokens generated per round (default 64)
 * --rounds        timed rounds per prompt length, after one untimed (default 3)
 * --threads       libtorch intra-op threads (default 2)
 * --score-top     likeliest tokens reported per position when scoring a prompt (default 5)
 * </pre>
 *
 * The prompt is the same fixed sequence of ids as the peer's ({@link #promptIds}); no end-of-sequence token
 * stops a round early. Prints one {@code RESULT <json>} line per prompt length: the median of the rounds'
 * time to first token (a generation of one token: the prompt's pass and the first choice) and of their
 * tokens per second (new tokens over the whole round, prompt included), and the process's peak resident memory.
 * Then one more line per prompt length for <em>scoring</em> the prompt ({@link TextGenerator#promptLogprobs}: each
 * token's log-probability with the likeliest {@code --score-top} and its offset, what {@code /v1/completions} answers
 * with {@code echo} and {@code logprobs}, as evaluation harnesses ask): the median time of a round and the prompt's
 * tokens per second.
 */
public final class GenerationBenchmark {

    private GenerationBenchmark() {}

    public static void main(String[] arguments) throws IOException {
        Map<String, String> options = BenchProcess.options(arguments);
        String threads = options.getOrDefault("threads", "2");
        BenchProcess.startEngine(threads);
        Path directory = Path.of(options.get("model-dir"));
        int newTokens = Integer.parseInt(options.getOrDefault("new-tokens", "64"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int top = Integer.parseInt(options.getOrDefault("score-top", "5"));
        int[] prompts = Arrays.stream(options.getOrDefault("prompts", "32,512").split(","))
                .mapToInt(Integer::parseInt).toArray();
        long loading = System.nanoTime();
        try (TransformerModel model = ModelLoader.load(directory)) {
            System.out.printf(Locale.ROOT, "loaded %s in %.1f s%n", directory, (System.nanoTime() - loading) / 1e9);
            TextGenerator generator = new TextGenerator(model);
            GenerationConfig greedy = GenerationConfig.greedy().withEosTokenIds(List.of());
            int vocabulary = model.config().requiredInt("vocab_size");
            for (int length : prompts) {
                long[] prompt = promptIds(length, vocabulary);
                generator.generateIds(prompt, greedy.withMaxNewTokens(newTokens)); // warm-up
                List<Double> firstToken = new ArrayList<>();
                List<Double> tokensPerSecond = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    long started = System.nanoTime();
                    generator.generateIds(prompt, greedy.withMaxNewTokens(1));
                    firstToken.add((System.nanoTime() - started) / 1e9);
                    started = System.nanoTime();
                    Generation generation = generator.generateIds(prompt, greedy.withMaxNewTokens(newTokens));
                    double seconds = (System.nanoTime() - started) / 1e9;
                    tokensPerSecond.add(generation.generatedIds().length / seconds);
                }
                System.out.println("RESULT " + String.format(Locale.ROOT,
                        "{\"framework\":\"modelcat\",\"model\":\"%s\",\"prompt_tokens\":%d,\"new_tokens\":%d,"
                                + "\"ttft_s\":%.4f,\"tokens_per_s\":%.2f,\"rounds_tokens_per_s\":%s,"
                                + "\"peak_rss_mib\":%d,\"threads\":%s}",
                        directory.getFileName(), length, newTokens, median(firstToken), median(tokensPerSecond),
                        tokensPerSecond.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList(),
                        BenchProcess.peakResidentMebibytes(), threads));
                generator.promptLogprobs(prompt, top); // warm-up
                List<Double> scoring = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    long started = System.nanoTime();
                    generator.promptLogprobs(prompt, top);
                    scoring.add((System.nanoTime() - started) / 1e9);
                }
                System.out.println("RESULT " + String.format(Locale.ROOT,
                        "{\"framework\":\"modelcat\",\"model\":\"%s\",\"prompt_tokens\":%d,\"score_top\":%d,"
                                + "\"score_s\":%.4f,\"scored_tokens_per_s\":%.1f,\"rounds_score_s\":%s,"
                                + "\"peak_rss_mib\":%d,\"threads\":%s}",
                        directory.getFileName(), length, top, median(scoring), length / median(scoring),
                        scoring.stream().map(v -> String.format(Locale.ROOT, "%.4f", v)).toList(),
                        BenchProcess.peakResidentMebibytes(), threads));
            }
        }
    }

    /** The benchmark's prompt: a fixed, varied sequence of ids below the vocabulary size (the peer's too). */
    static long[] promptIds(int length, int vocabulary) {
        long[] ids = new long[length];
        for (int index = 0; index < length; index++) {
            ids[index] = 100 + (index * 7919L) % (vocabulary - 200);
        }
        return ids;
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }
}
