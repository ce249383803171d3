package io.modelcat.ml.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.DjlEnvironment;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.TrainingConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Fine-tuning and inference throughput (samples/s) of a BERT-base-shaped sequence classifier on the
 * ML engine, through the same {@link FineTuner} and forward pass that jobs use. Not a test: run it
 * with {@code bench/ml-throughput/run-djl.sh}. Options (all {@code --name value}):
 *
 * <pre>
 * --device      cpu | gpu0 | gpu1 ...             (default cpu)
 * --batches     comma-separated batch sizes       (default 32)
 * --seq         tokens per sample                 (default 128)
 * --warmup      untimed steps before each measure (default 3)
 * --train-steps timed optimizer steps             (default 20)
 * --infer-steps timed forward passes              (default 20)
 * --clip        global gradient-norm limit, 0 = off (default 1.0, the HF Trainer's)
 * --model-dir   BERT-base-shaped checkpoint, written there if missing (default bench/results/bert-base-random)
 * --tokenizer   tokenizer.json to put beside it   (required when the checkpoint is written)
 * --out         append one JSON line per result to this file (optional)
 * --threads     libtorch intra-op threads (default: libtorch's own choice, one per core)
 * --mode        run (default): the batches above, one after another;
 *               serve: load once, then take commands from stdin (see {@link #serve})
 * </pre>
 */
public final class ThroughputBenchmark {

    private ThroughputBenchmark() {}

    public static void main(String[] arguments) throws IOException {
        Map<String, String> options = options(arguments);
        if (options.containsKey("threads")) {
            // Read once by DJL's PyTorch engine when it starts; both must be set before the first DJL call.
            System.setProperty("ai.djl.pytorch.num_threads", options.get("threads"));
            System.setProperty("ai.djl.pytorch.num_interop_threads", options.get("threads"));
        }
        DjlEnvironment.configure();
        Device device = device(options.getOrDefault("device", "cpu"));
        int[] batches = Arrays.stream(options.getOrDefault("batches", "32").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int sequence = Integer.parseInt(options.getOrDefault("seq", "128"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "3"));
        int trainSteps = Integer.parseInt(options.getOrDefault("train-steps", "20"));
        int inferSteps = Integer.parseInt(options.getOrDefault("infer-steps", "20"));
        Path modelDirectory = Path.of(options.getOrDefault("model-dir", "bench/results/bert-base-random"));
        Path tokenizer = Path.of(options.getOrDefault("tokenizer", "tokenizer.json"));
        double clip = Double.parseDouble(options.getOrDefault("clip", "1.0"));

        long written = System.nanoTime();
        BertBaseCheckpoint.writeIfMissing(modelDirectory, tokenizer);
        if (options.getOrDefault("mode", "run").equals("serve")) {
            serve(modelDirectory, device, sequence, clip);
            return;
        }
        System.out.printf(Locale.ROOT, "checkpoint ready in %.1f s: %s%n", (System.nanoTime() - written) / 1e9,
                modelDirectory);
        for (int batch : batches) {
            long loading = System.nanoTime();
            try (TransformerModel model = ModelLoader.load(modelDirectory,
                    new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("a", "b"), 0), device)) {
                System.out.printf(Locale.ROOT, "loaded on %s in %.1f s%n", model.device(),
                        (System.nanoTime() - loading) / 1e9);
                RandomTokenBatches data = new RandomTokenBatches(sequence, BertBaseCheckpoint.VOCAB, 2);
                double[] training = train(model, data, batch, warmup, trainSteps, clip);
                double inference = infer(model, data, batch, warmup, inferSteps);
                String line = String.format(Locale.ROOT,
                        "{\"framework\":\"djl-0.35.1\",\"variant\":\"fp32 eager\",\"clip\":%s,\"device\":\"%s\",\"batch\":%d,"
                                + "\"seq\":%d,\"train_samples_per_s\":%.2f,\"infer_samples_per_s\":%.2f,"
                                + "\"first_loss\":%.4f,\"last_loss\":%.4f,\"train_steps\":%d,\"infer_steps\":%d}",
                        clip, device, batch, sequence, training[0], inference, training[1], training[2], trainSteps,
                        inferSteps);
                System.out.println("RESULT " + line);
                if (options.containsKey("out")) {
                    Files.writeString(Path.of(options.get("out")), line + System.lineSeparator(),
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
        }
    }

    /**
     * Loads the model once and answers commands from stdin, one per line, so that a driver can run
     * this engine and PyTorch alternately on the same machine without reloading either:
     * {@code train <batch> <warmup> <steps>}, {@code infer <batch> <warmup> <steps>} or {@code quit}.
     * Prints {@code READY <json>} (thread counts) once loaded and {@code RESULT <json>} per command;
     * every other line of output is informational.
     */
    private static void serve(Path modelDirectory, Device device, int sequence, double clip) throws IOException {
        try (TransformerModel model = ModelLoader.load(modelDirectory,
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("a", "b"), 0), device)) {
            RandomTokenBatches data = new RandomTokenBatches(sequence, BertBaseCheckpoint.VOCAB, 2);
            System.out.println("READY " + String.format(Locale.ROOT,
                    "{\"framework\":\"djl-0.35.1 libtorch-%s\",\"intra_op_threads\":%d,\"interop_threads\":%d,"
                            + "\"cores\":%d}",
                    model.manager().getEngine().getVersion(), LibtorchThreads.intraOp(), LibtorchThreads.interOp(),
                    Runtime.getRuntime().availableProcessors()));
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = commands.readLine(); line != null; line = commands.readLine()) {
                String[] words = line.trim().split("\\s+");
                if (words[0].equals("quit")) {
                    return;
                }
                int batch = Integer.parseInt(words[1]);
                int warmup = Integer.parseInt(words[2]);
                int steps = Integer.parseInt(words[3]);
                CpuClock clock = CpuClock.start();
                String measured = switch (words[0]) {
                    case "train" -> {
                        double[] training = train(model, data, batch, warmup, steps, clip);
                        yield String.format(Locale.ROOT, "\"samples_per_s\":%.3f,\"first_loss\":%.4f,\"last_loss\":%.4f",
                                training[0], training[1], training[2]);
                    }
                    case "infer" -> String.format(Locale.ROOT, "\"samples_per_s\":%.3f",
                            infer(model, data, batch, warmup, steps));
                    default -> throw new IllegalArgumentException("unknown command " + line);
                };
                System.out.println("RESULT " + String.format(Locale.ROOT,
                        "{\"side\":\"engine\",\"mode\":\"%s\",\"batch\":%d,\"seq\":%d,\"warmup\":%d,\"steps\":%d,%s,"
                                + "\"cpu_busy\":%.2f}",
                        words[0], batch, sequence, warmup, steps, measured, clock.busyCores()));
                System.out.flush();
            }
        }
    }

    /** @return samples/s over the timed steps, then the first and last loss */
    private static double[] train(TransformerModel model, RandomTokenBatches data, int batch, int warmup,
            int steps, double clip) {
        int totalSteps = warmup + steps;
        StepTimes timer = new StepTimes();
        TrainingConfig config = TrainingConfig.defaults().withEpochs(1).withBatchSize(batch).withLearningRate(5e-5)
                .withWeightDecay(0.01).withMaxGradNorm(clip).withSeed(0);
        new FineTuner(config, timer).train(model, IntStream.range(0, totalSteps * batch).boxed().toList(), data);
        return new double[] {steps * batch / timer.secondsAfter(warmup), timer.firstLoss(), timer.lastLoss()};
    }

    private static double infer(TransformerModel model, RandomTokenBatches data, int batch, int warmup, int steps) {
        long timedFrom = 0;
        for (int step = 0; step < warmup + steps; step++) {
            if (step == warmup) {
                timedFrom = System.nanoTime();
            }
            try (NDManager batchManager = model.manager().newSubManager()) {
                NDArray logits = model.forward(data.inputs(batch, batchManager), false).singletonOrThrow();
                logits.toFloatArray();
            }
        }
        return steps * batch / ((System.nanoTime() - timedFrom) / 1e9);
    }

    private static Device device(String name) {
        return name.equals("cpu") ? Device.cpu() : Device.gpu(Integer.parseInt(name.replace("gpu", "")));
    }

    private static Map<String, String> options(String[] arguments) {
        Map<String, String> options = new HashMap<>();
        for (int index = 0; index + 1 < arguments.length; index += 2) {
            if (!arguments[index].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + arguments[index]);
            }
            options.put(arguments[index].substring(2), arguments[index + 1]);
        }
        return options;
    }
}
