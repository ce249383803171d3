package io.modelcat.ml.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.arch.LoraSpec;
import io.modelcat.ml.model.LoraAdapters;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.BatchEncoder;
import io.modelcat.ml.train.EncodedBatch;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.TrainingConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * LoRA fine-tuning speed of a causal LM on the ML engine, through the {@link FineTuner} and {@link LoraAdapters}
 * that fine-tune jobs use: training tokens per second on random token ids (next-token targets), rank 8, alpha 16,
 * dropout 0.05 on {@code peft}'s default layers, AdamW at 1e-4 with clipping at 1. Not a test: run it with
 * {@code bench/generation/run.sh}, which runs {@code bench/generation/lora_peer.py} ({@code transformers} +
 * {@code peft}) the same way beside it. Options: {@code --model-dir} (required), {@code --batch} (2), {@code --seq}
 * (128), {@code --warmup} (2), {@code --steps} (8), {@code --threads} (2). Prints one {@code RESULT <json>} line.
 */
public final class LoraTrainingBenchmark {

    private LoraTrainingBenchmark() {}

    public static void main(String[] arguments) throws IOException {
        Map<String, String> options = BenchProcess.options(arguments);
        String threads = options.getOrDefault("threads", "2");
        BenchProcess.startEngine(threads);
        Path directory = Path.of(options.get("model-dir"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "2"));
        int sequence = Integer.parseInt(options.getOrDefault("seq", "128"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "2"));
        int steps = Integer.parseInt(options.getOrDefault("steps", "8"));
        try (TransformerModel model = ModelLoader.load(directory)) {
            LoraAdapters.attach(model, new LoraSpec(8, 16, 0.05, LoraSpec.defaultTargets(model.family())), 0);
            long trainable = model.trainableParameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
            int vocabulary = model.config().requiredInt("vocab_size");
            StepTimes timer = new StepTimes();
            TrainingConfig config = TrainingConfig.defaults().withEpochs(1).withBatchSize(batch).withLearningRate(1e-4)
                    .withWeightDecay(0.0).withMaxGradNorm(1.0).withSeed(0);
            new FineTuner(config, timer).train(model, IntStream.range(0, (warmup + steps) * batch).boxed().toList(),
                    new RandomNextTokens(sequence, vocabulary));
            double seconds = timer.secondsAfter(warmup);
            System.out.println("RESULT " + String.format(Locale.ROOT,
                    "{\"framework\":\"modelcat\",\"model\":\"%s\",\"batch\":%d,\"seq\":%d,\"steps\":%d,"
                            + "\"train_tokens_per_s\":%.1f,\"trainable_parameters\":%d,\"first_loss\":%.3f,"
                            + "\"last_loss\":%.3f,\"peak_rss_mib\":%d,\"threads\":%s}",
                    directory.getFileName(), batch, sequence, steps, steps * batch * sequence / seconds, trainable,
                    timer.firstLoss(), timer.lastLoss(), BenchProcess.peakResidentMebibytes(), threads));
        }
    }

    /** Rows of random token ids, each position trained to predict the next (the last position nothing). */
    private static final class RandomNextTokens implements BatchEncoder<Integer> {
        private final int sequence;
        private final int vocabulary;
        private final Random random = new Random(0);

        RandomNextTokens(int sequence, int vocabulary) {
            this.sequence = sequence;
            this.vocabulary = vocabulary;
        }

        @Override
        public EncodedBatch encode(List<Integer> examples, NDManager manager) {
            int rows = examples.size();
            long[] ids = new long[rows * sequence];
            long[] mask = new long[ids.length];
            long[] targets = new long[ids.length];
            float[] weights = new float[ids.length];
            for (int index = 0; index < ids.length; index++) {
                ids[index] = random.nextInt(vocabulary);
                mask[index] = 1;
            }
            for (int index = 0; index < ids.length; index++) {
                if ((index + 1) % sequence != 0) {
                    targets[index] = ids[index + 1];
                    weights[index] = 1f;
                }
            }
            Shape shape = new Shape(rows, sequence);
            return new EncodedBatch(new NDList(manager.create(ids, shape), manager.create(mask, shape),
                    manager.zeros(shape, ai.djl.ndarray.types.DataType.INT64)), manager.create(targets, shape),
                    manager.create(weights, shape), manager.create((float) (rows * (sequence - 1))));
        }
    }
}
