package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.arch.LoraSpec;
import io.modelcat.ml.tokenize.TokenizedBatch;
import io.modelcat.ml.train.CausalLmBatches;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.testsupport.ReferencePython;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A LoRA adapter the engine trained and saved loads in {@code peft} onto the base model with the engine's logits
 * within 1e-4, and the model with the adapter merged loads in {@code transformers} alone with the same logits.
 * The checks themselves are {@code reference/tests/test_peft.py}. On GPT-2 (Conv1D projections, peft's
 * fan_in_fan_out), and on the Llama family: an adapter on every projection of the tiny qwen2 (q/k/v biases, tied
 * head) and llama (grouped-query attention, Llama 3 rope scaling).
 */
class LoraInteropTest {

    private static final List<String> TEXTS = List.of("the cat sat on the mat.", "a dog was good", "the movie is bad .");

    @TempDir
    Path written;

    static Stream<Arguments> adapters() {
        List<String> llamaProjections = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                "down_proj");
        // The last one names layers by longer suffixes, as peft matches them: the attention of every layer, and the
        // MLP of the first only.
        return Stream.of(Arguments.of("gpt2", List.of("c_attn", "c_proj", "c_fc")),
                Arguments.of("qwen2", llamaProjections), Arguments.of("llama", llamaProjections),
                Arguments.of("llama", List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                        "self_attn.o_proj", "layers.0.mlp.gate_proj", "layers.0.mlp.up_proj",
                        "layers.0.mlp.down_proj")));
    }

    @ParameterizedTest
    @MethodSource("adapters")
    void peftLoadsTheEnginesAdapterAndTransformersItsMergedModel(String name, List<String> targets) throws IOException {
        Path base = Fixtures.model(name);
        ObjectMapper json = new ObjectMapper();
        ObjectNode outputs = json.createObjectNode().put("base", base.toAbsolutePath().toString());
        try (TransformerModel model = ModelLoader.load(base)) {
            LoraSpec spec = new LoraSpec(4, 8, 0.1, targets);
            LoraAdapters.attach(model, spec, 11);
            new FineTuner(TrainingConfig.defaults().withEpochs(3).withBatchSize(3).withLearningRate(2e-2).withSeed(5),
                    TrainingListener.NONE).train(model, TEXTS,
                    new CausalLmBatches(model.tokenizer(), model.config().requiredInt("vocab_size"), 32));
            LoraAdapters.save(model, written.resolve("adapter"), base.toString());
            outputs.put("rank", spec.rank());
            outputs.set("targets", json.valueToTree(targets));
            outputs.set("adapted", json.valueToTree(model.parameters().keySet().stream()
                    .filter(n -> n.endsWith(LoraSpec.A)).sorted().toList()));
            try (NDManager batch = model.manager().newSubManager()) {
                TokenizedBatch tokens = model.tokenizer().encodeBatch(TEXTS, 32);
                outputs.set("input_ids", json.valueToTree(tokens.inputIds()));
                outputs.set("attention_mask", json.valueToTree(tokens.attentionMask()));
                NDArray logits = model.forward(tokens.toNDList(batch), false).singletonOrThrow();
                outputs.putObject("logits").<ObjectNode>set("shape", json.valueToTree(logits.getShape().getShape()))
                        .set("values", json.valueToTree(logits.toFloatArray()));
            }
            LoraAdapters.merge(model);
            ModelSaver.save(model, written.resolve("merged"));
        }
        json.writeValue(written.resolve("engine-outputs.json").toFile(), outputs);

        String output = ReferencePython.run(Duration.ofMinutes(10), Map.of("MODELCAT_ADAPTERS", written.toString()),
                "-m", "pytest", "-v", "-s", "-p", "no:cacheprovider", "reference/tests/test_peft.py");
        assertThat(output).contains("3 passed").doesNotContain("skipped");
    }

    static Stream<Arguments> encoders() {
        return Stream.of(Arguments.of("bert", List.of("query", "value"), List.of()),
                Arguments.of("distilbert-sequence-classification", List.of("q_lin", "v_lin"), List.of()),
                Arguments.of("roberta-sequence-classification", List.of("query", "value"), List.of()),
                // A label set of its own: three labels on a base whose head has two (LABEL_0, LABEL_1).
                Arguments.of("bert", List.of("query", "value"), List.of("negative", "neutral", "positive")));
    }

    /**
     * On an encoder with a sequence-classification head the adapter is peft's defaults for the family, with the
     * head trained whole and saved as peft's {@code modules_to_save}, and (as a fine-tune job saves it, with
     * {@link ModelSaver}) the fine-tuned {@code config.json} with the head's labels beside it: peft's
     * {@code AutoPeftModelForSequenceClassification} loads it with the engine's logits and labels (given that
     * {@code config.json}'s labels when they are not the base's, as a user would), and so does the engine itself,
     * and transformers the merged model.
     *
     * @param labels the fine-tune's labels; none for the base's own head
     */
    @ParameterizedTest
    @MethodSource("encoders")
    void peftLoadsTheEnginesAdapterOfAnEncoderWithItsTrainedHead(String name, List<String> targets, List<String> labels)
            throws IOException {
        Path base = Fixtures.model(name);
        ObjectMapper json = new ObjectMapper();
        ObjectNode outputs = json.createObjectNode().put("base", base.toAbsolutePath().toString())
                .put("task", "SEQ_CLS");
        float[] expected;
        List<String> tunedLabels;
        try (TransformerModel model = labels.isEmpty() ? ModelLoader.load(base)
                : ModelLoader.load(base, new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, labels, 7))) {
            assertThat(LoraSpec.defaultTargets(model.family())).isEqualTo(targets);
            LoraSpec spec = new LoraSpec(4, 8, 0.1, targets);
            LoraAdapters.attach(model, spec, 11);
            // As after training: B no longer zero, and the head (which trains whole) moved from the base's.
            java.util.Random random = new java.util.Random(3);
            for (Map.Entry<String, NDArray> entry : model.trainableParameters().entrySet()) {
                NDArray array = entry.getValue();
                float[] values = array.toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    values[i] += (float) (random.nextGaussian() * 0.2);
                }
                array.set(values);
            }
            ModelSaver.save(model, written.resolve("adapter"));
            assertThat(model.trainableParameters().keySet()).anyMatch(n -> n.startsWith("classifier"));
            outputs.put("rank", spec.rank());
            tunedLabels = model.labels();
            outputs.set("labels", json.valueToTree(tunedLabels));
            outputs.set("targets", json.valueToTree(targets));
            outputs.set("adapted", json.valueToTree(model.parameters().keySet().stream()
                    .filter(n -> n.endsWith(LoraSpec.A)).sorted().toList()));
            try (NDManager batch = model.manager().newSubManager()) {
                TokenizedBatch tokens = model.tokenizer().encodeBatch(TEXTS, 32);
                outputs.set("input_ids", json.valueToTree(tokens.inputIds()));
                outputs.set("attention_mask", json.valueToTree(tokens.attentionMask()));
                NDArray logits = model.forward(tokens.toNDList(batch), false).singletonOrThrow();
                expected = logits.toFloatArray();
                outputs.putObject("logits").<ObjectNode>set("shape", json.valueToTree(logits.getShape().getShape()))
                        .set("values", json.valueToTree(expected));
            }
            LoraAdapters.merge(model);
            ModelSaver.save(model, written.resolve("merged"));
        }
        json.writeValue(written.resolve("engine-outputs.json").toFile(), outputs);
        assertThat(json.readTree(written.resolve("adapter/adapter_config.json").toFile()).path("modules_to_save")
                .toString()).contains("classifier");
        // The engine reads its own adapter back with the head it trained and that head's labels.
        try (TransformerModel reloaded = ModelLoader.load(written.resolve("adapter"))) {
            assertThat(reloaded.labels()).isEqualTo(tunedLabels);
            try (NDManager batch = reloaded.manager().newSubManager()) {
                float[] actual = reloaded.forward(reloaded.tokenizer().encodeBatch(TEXTS, 32).toNDList(batch), false)
                        .singletonOrThrow().toFloatArray();
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }

        String output = ReferencePython.run(Duration.ofMinutes(10), Map.of("MODELCAT_ADAPTERS", written.toString()),
                "-m", "pytest", "-v", "-s", "-p", "no:cacheprovider", "reference/tests/test_peft.py");
        assertThat(output).contains("3 passed").doesNotContain("skipped");
    }
}
