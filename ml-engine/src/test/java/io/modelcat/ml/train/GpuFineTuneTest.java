package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.infer.TextClassifier;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tunes the tiny BERT on {@code gpu(0)} and compares it with the same run on the CPU.
 * Skipped, with a message, where the PyTorch engine sees no GPU.
 */
class GpuFineTuneTest {

    private static final List<String> LABELS = List.of("negative", "positive");
    private static final Device GPU = Device.gpu(0);

    @BeforeEach
    void requireGpu() {
        assumeTrue(ModelLoader.gpuCount() > 0,
                "no GPU visible to DJL's PyTorch engine (needs a CUDA libtorch and its JNI build)");
    }

    @Test
    void gpuRunMatchesCpuStepByStep(@TempDir Path directory) throws IOException {
        Path bert = withoutDropout(directory);
        List<LabeledText> train = new SentimentDataset(7).train(32);
        TrainingConfig config = TrainingConfig.defaults().withEpochs(1).withBatchSize(8).withLearningRate(1e-3)
                .withSeed(3);

        Run cpu = fineTune(bert, Device.cpu(), config, train);
        Run gpu = fineTune(bert, GPU, config, train);

        System.out.printf("gpu vs cpu: step losses %s vs %s%n", gpu.losses(), cpu.losses());
        assertThat(gpu.device()).isEqualTo(GPU);
        assertThat(gpu.logitsBefore()).containsExactly(cpu.logitsBefore(), within(1e-4f));
        assertThat(gpu.losses()).hasSize(4);
        for (int step = 0; step < 4; step++) {
            assertThat(gpu.losses().get(step)).isCloseTo(cpu.losses().get(step), within(1e-3));
        }
        assertThat(gpu.logitsAfter()).containsExactly(cpu.logitsAfter(), within(1e-2f));
    }

    @Test
    void tinyBertLearnsOnGpu() {
        SentimentDataset data = new SentimentDataset(7);
        TrainingConfig config = TrainingConfig.defaults().withEpochs(6).withBatchSize(8).withLearningRate(3e-3)
                .withWeightDecay(0.01).withWarmupRatio(0.1).withSeed(3);
        try (TransformerModel model = ModelLoader.load(Fixtures.bert(),
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, LABELS, 11), GPU)) {
            TrainingResult result = new FineTuner(config, TrainingListener.NONE)
                    .trainSequenceClassification(model, data.train(96));
            double accuracy = new TextClassifier(model, 16, 64).evaluate(data.heldOut(96, 64)).accuracy();

            System.out.printf("gpu fine-tune: epoch loss %.4f -> %.4f, held-out accuracy %.3f%n",
                    result.epochMeanLosses().get(0), result.epochMeanLosses().get(5), accuracy);
            assertThat(model.parameters().values()).allSatisfy(weight -> assertThat(weight.getDevice()).isEqualTo(GPU));
            assertThat(result.epochMeanLosses().get(5)).isLessThan(result.epochMeanLosses().get(0) * 0.3);
            assertThat(accuracy).isGreaterThanOrEqualTo(0.9);
        }
    }

    private record Run(Device device, float[] logitsBefore, List<Double> losses, float[] logitsAfter) {}

    private static Run fineTune(Path bert, Device device, TrainingConfig config, List<LabeledText> train) {
        try (TransformerModel model = ModelLoader.load(bert,
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, LABELS, 11), device)) {
            List<String> texts = train.stream().map(LabeledText::text).toList();
            float[] before = logits(model, texts);
            List<Double> losses = new ArrayList<>();
            new FineTuner(config, step -> losses.add(step.loss())).trainSequenceClassification(model, train);
            return new Run(model.device(), before, losses, logits(model, texts));
        }
    }

    private static float[] logits(TransformerModel model, List<String> texts) {
        try (NDManager batch = model.manager().newSubManager()) {
            NDArray logits = model.forward(model.tokenizer().encodeBatch(texts, 32).toNDList(batch), false)
                    .singletonOrThrow();
            assertThat(logits.getDevice()).isEqualTo(model.device());
            return logits.toFloatArray();
        }
    }

    /** Dropout draws from different generators on CPU and GPU; without it both runs are deterministic. */
    private static Path withoutDropout(Path directory) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(Fixtures.bert().resolve("config.json").toFile());
        config.put("hidden_dropout_prob", 0.0).put("attention_probs_dropout_prob", 0.0);
        json.writeValue(directory.resolve("config.json").toFile(), config);
        for (String file : new String[] {"model.safetensors", "tokenizer.json"}) {
            Files.copy(Fixtures.bert().resolve(file), directory.resolve(file));
        }
        return directory;
    }
}
