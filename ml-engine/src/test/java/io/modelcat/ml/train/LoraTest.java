package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.ReferenceOutputs;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.arch.LoraSpec;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.LoraAdapters;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.ModelSaver;
import io.modelcat.ml.model.TransformerModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoRA adapters against {@code peft} ({@code fixtures/lora}, made by {@code reference/lora_reference.py} on the
 * tiny GPT-2): the logits with a {@code peft} adapter, a training step's loss and gradient norm, the logits after
 * one AdamW step, and the merged model's logits; then what the engine writes reads back the same.
 */
class LoraTest {

    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path temporary;

    private static final ReferenceOutputs.Model GPT2 = Fixtures.referenceOutputs().model("gpt2");
    private static final JsonNode LORA = Fixtures.loraReference().model("gpt2-lora").node();

    @Test
    void aPeftAdapterGivesPeftsLogitsAndTrainsAsPeftDoes() {
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            NDArray wte = model.parameters().get("transformer.wte.weight");
            float[] baseBefore = wte.toFloatArray();
            float[] attentionBefore = model.parameters().get("transformer.h.0.attn.c_attn.weight").toFloatArray();
            LoraAdapters.load(model, Fixtures.loraAdapter());

            assertThat(LoraAdapters.attached(model)).hasValueSatisfying(spec -> {
                assertThat(spec.rank()).isEqualTo(4);
                assertThat(spec.scale()).isEqualTo(2.0);
            });
            assertThat(model.trainableParameters()).hasSize(LORA.path("trainable_parameters").asInt())
                    .allSatisfy((name, array) -> assertThat(name).containsPattern("lora_[AB]"));
            assertClose(logits(model), ReferenceOutputs.floats(LORA.path("logits").path("values")), "logits");

            try (NDManager state = model.manager().newSubManager(); NDManager step = model.manager().newSubManager()) {
                GradientStep gradients = GradientStep.compute(model, batch(step), step, false, () -> {});
                assertThat(gradients.byName().keySet()).isEqualTo(model.trainableParameters().keySet());
                assertThat(gradients.loss()).isCloseTo(LORA.path("train_step").path("loss").asDouble(), within(TOLERANCE));
                assertThat(gradients.globalNorm()).isCloseTo(LORA.path("train_step").path("grad_norm").asDouble(),
                        within(TOLERANCE));
                new AdamW(state, 0.0).update(model.parameters(), gradients.byName(),
                        LORA.path("train_step").path("learning_rate").asDouble());
            }
            assertClose(logits(model), ReferenceOutputs.floats(LORA.path("train_step").path("logits_after").path("values")),
                    "logits after one AdamW step");
            // The base did not move.
            assertThat(wte.toFloatArray()).containsExactly(baseBefore);
            assertThat(model.parameters().get("transformer.h.0.attn.c_attn.weight").toFloatArray())
                    .containsExactly(attentionBefore);
        }
    }

    @Test
    void mergingFoldsTheAdapterIntoTheWeightsAsPeftDoes() {
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            LoraAdapters.load(model, Fixtures.loraAdapter());
            float[] adapted = logits(model);
            LoraAdapters.merge(model);
            assertThat(LoraAdapters.attached(model)).isEmpty();
            assertThat(model.parameters().keySet()).noneMatch(name -> name.contains("lora_"));
            assertThat(model.trainableParameters()).hasSameSizeAs(model.parameters());
            assertClose(logits(model), adapted, "merged logits");
            // peft's merge_and_unload was computed after its AdamW step: before it, the merge equals the adapter.
            ModelSaver.save(model, temporary.resolve("whole"));
            try (TransformerModel reloaded = ModelLoader.load(temporary.resolve("whole"))) {
                assertClose(logits(reloaded), adapted, "the merged model saved and read back");
            }
        }
    }

    @Test
    void anAdapterWrittenByTheEngineReadsBackAndANewOneChangesNothingUntilItTrains() {
        Path saved = temporary.resolve("adapter");
        float[] base;
        float[] trained;
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            base = logits(model);
LoraAdapters.attach(model, new LoraSpec(8, 16, 0.0, List.of("c_attn", "c_proj", "c_fc")), 7);
            // Two blocks, four adapted layers each (c_proj twice: attention and MLP, as peft matches names), A and B.
assertThat(model.trainableParameters()).hasSize(16).containsKeys(
                    "transformer.h.0.attn.c_attn.lora_A.weight", "transformer.h.1.mlp.c_proj.lora_B.weight");
            // B starts at zero: the model computes exactly what it did.
assertThat(logits(model)).containsExactly(base);
            List<String> texts = List.of("the cat sat on the mat.", "a dog was good", "the dog sat on the mat.");
            TrainingResult result = new FineTuner(new TrainingConfig(40, 3, 1e-2, 0.0, 0, 1.0, 7, 32),
                    TrainingListener.NONE).train(model, texts, new CausalLmBatches(model.tokenizer(), 45, 32));
            // On this tiny random model LoRA levels off near 3.3 (peft too, with the same settings: its frozen
            // 32-wide embeddings hold it back), where full fine-tuning goes below 1: a drop of 0.3 shows learning.
            List<Double> epochs = result.epochMeanLosses();
            assertThat(epochs.get(epochs.size() - 1)).isLessThan(epochs.get(0) - 0.3);
            trained = logits(model);
            assertThat(trained).isNotEqualTo(base);
            LoraAdapters.save(model, saved, "fixtures/hf-tiny/gpt2");
        }
        assertThat(saved.resolve(LoraAdapters.CONFIG_FILE)).exists();
        assertThat(saved.resolve(LoraAdapters.WEIGHTS_FILE)).exists();
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            LoraAdapters.load(model, saved);
            assertClose(logits(model), trained, "the engine's adapter read back");
        }
    }

    @Test
    void aModelWithAnAdapterIsSavedAsTheAdapterAndLoadsAsTheBaseWithIt() throws Exception {
        Path folder = temporary.resolve("job-output");
        float[] adapted;
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            LoraAdapters.load(model, Fixtures.loraAdapter());
            adapted = logits(model);
            ModelSaver.save(model, folder);
        }
        assertThat(folder.resolve(LoraAdapters.CONFIG_FILE)).exists();
        assertThat(folder.resolve("tokenizer.json")).exists();
        assertThat(folder.resolve("model.safetensors")).doesNotExist();
        assertThat(folder.resolve("config.json")).doesNotExist();
        assertThat(ModelLoader.checkpointConfig(folder).modelType()).isEqualTo("gpt2");
        try (TransformerModel loaded = ModelLoader.load(folder)) {
            assertThat(LoraAdapters.attached(loaded)).isPresent();
            assertThat(loaded.trainableParameters()).hasSize(12);
            assertClose(logits(loaded), adapted, "the saved adapter loaded as a model");
        }
        Files.writeString(folder.resolve(LoraAdapters.CONFIG_FILE), Files.readString(folder.resolve(
                LoraAdapters.CONFIG_FILE)).replaceFirst("\"base_model_name_or_path\" : \"[^\"]*\"",
                "\"base_model_name_or_path\" : \"/nowhere/gpt2\""));
        assertThatThrownBy(() -> ModelLoader.load(folder)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is for the base model /nowhere/gpt2, which is not found");
    }

    @Test
    void anAdapterForAnotherModelOrOfAnotherKindIsRefusedSayingWhy() throws Exception {
        Path other = temporary.resolve("other");
        Files.createDirectories(other);
        Files.copy(Fixtures.loraAdapter().resolve(LoraAdapters.WEIGHTS_FILE), other.resolve(LoraAdapters.WEIGHTS_FILE));
        Files.writeString(other.resolve(LoraAdapters.CONFIG_FILE), Files.readString(
                Fixtures.loraAdapter().resolve(LoraAdapters.CONFIG_FILE)).replace("\"r\": 4", "\"r\": 8"));
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            assertThatThrownBy(() -> LoraAdapters.load(model, other)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lora_A.weight is (4, 32); this model needs (8, 32)");
            assertThat(LoraAdapters.attached(model)).isEmpty();
            assertThat(model.parameters().keySet()).noneMatch(name -> name.contains("lora_"));
            Files.writeString(other.resolve(LoraAdapters.CONFIG_FILE), "{\"peft_type\": \"IA3\"}");
            assertThatThrownBy(() -> LoraAdapters.load(model, other)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("only LORA adapters");
        }
        assertThatThrownBy(() -> new LoraSpec(0, 8, 0, List.of("c_attn"))).hasMessageContaining("rank");
        assertThat(LoraSpec.defaultTargets(io.modelcat.ml.arch.ArchitectureFamily.GPT2)).containsExactly("c_attn");
    }

    @Test
    void targetModulesMatchAsPeftMatchesThemAndAMisspeltOneIsRefusedNamingTheLayers() {
        try (TransformerModel model = ModelLoader.load(Fixtures.model("llama"))) {
            assertThat(LoraAdapters.adaptableModules(model)).containsExactly("down_proj", "gate_proj", "k_proj",
                    "o_proj", "q_proj", "up_proj", "v_proj");
            assertThatThrownBy(() -> LoraAdapters.attach(model, new LoraSpec(2, 4, 0,
                    List.of("q_proj", "qproj", "embed_tokens")), 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[qproj, embed_tokens] name no linear layer of this llama model")
                    .hasMessageContaining("[down_proj, gate_proj, k_proj, o_proj, q_proj, up_proj, v_proj]");
            assertThat(LoraAdapters.attached(model)).isEmpty();

            LoraAdapters.attach(model, new LoraSpec(2, 4, 0, List.of("self_attn.o_proj", "layers.0.mlp.up_proj")), 1);
            assertThat(model.parameters().keySet()).filteredOn(n -> n.endsWith(LoraSpec.A))
                    .allMatch(n -> n.endsWith("self_attn.o_proj" + LoraSpec.A) || n.equals(
                            "model.layers.0.mlp.up_proj" + LoraSpec.A))
                    .contains("model.layers.0.mlp.up_proj" + LoraSpec.A, "model.layers.0.self_attn.o_proj" + LoraSpec.A);
        }
    }

    private static EncodedBatch batch(NDManager manager) {
        long[] shape = GPT2.logits().shape();
        List<Integer> ids = new ArrayList<>();
        GPT2.trainStep().targets().forEach(row -> row.forEach(t -> ids.add(t.asInt())));
        Targets targets = new Targets((int) shape[2], shape[0], shape[1]);
        for (int position = 0; position < ids.size(); position++) {
            if (ids.get(position) != -100) {
                targets.set(position, ids.get(position));
            }
        }
        return targets.batch(GPT2.inputs(manager, true), manager);
    }

    /**
     * An encoder's adapter with its task head (for a classifier or tagger new labels, unlike the base's two) is saved
     * with the fine-tuned config.json beside it, and loads back as the base with that head, those labels, the adapter
     * and the head's trained weights (peft's modules_to_save).
     */
    @ParameterizedTest
    @CsvSource({"SEQUENCE_CLASSIFICATION, BertForSequenceClassification, SEQ_CLS, negative;neutral;positive",
            "TOKEN_CLASSIFICATION, BertForTokenClassification, TOKEN_CLS, O;B-ANIMAL;I-ANIMAL",
            "QUESTION_ANSWERING, BertForQuestionAnswering, QUESTION_ANS, ''"})
    void anEncodersAdapterIsSavedWithItsHeadAndLabelsAndLoadsBackWithThem(HeadType head, String architecture,
                                                                          String taskType, String labelList)
            throws Exception {
        Path folder = temporary.resolve("encoder-adapter");
        List<String> labels = labelList == null || labelList.isEmpty() ? List.of() : List.of(labelList.split(";"));
        float[] adapted;
        try (TransformerModel model = ModelLoader.load(Fixtures.bert(), new HeadRequest(head, labels, 7))) {
            LoraAdapters.attach(model, new LoraSpec(4, 8, 0, LoraSpec.defaultTargets(model.family())), 7);
            model.parameters().forEach((name, array) -> {
                if (name.endsWith(LoraSpec.B)) {
                    array.addi(0.05f); // as if trained: B is zero until the first step
                }
            });
            adapted = encoderLogits(model);
            ModelSaver.save(model, folder);
        }
        assertThat(folder.resolve("model.safetensors")).doesNotExist();
        assertThat(Files.readString(folder.resolve(LoraAdapters.CONFIG_FILE)))
                .contains("\"task_type\" : \"" + taskType + "\"").contains("\"modules_to_save\" : [ \"");
        assertThat(ModelLoader.checkpointConfig(folder).architecture()).contains(architecture);
        if (head.isClassification()) {
            assertThat(ModelLoader.checkpointConfig(folder).labels()).isEqualTo(labels);
        }
        try (TransformerModel loaded = ModelLoader.load(folder)) {
            assertThat(loaded.task()).isEqualTo(head);
            assertThat(loaded.labels()).isEqualTo(labels);
            assertThat(loaded.newlyInitialised()).as("the head is the adapter's").isEmpty();
            assertThat(LoraAdapters.attached(loaded)).hasValueSatisfying(
                    spec -> assertThat(spec.targetModules()).containsExactly("query", "value"));
            assertClose(encoderLogits(loaded), adapted, "the adapter and its head read back");
        }
    }

    private static float[] encoderLogits(TransformerModel model) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray ids = step.create(new long[][] {{2, 7, 9, 11, 3}});
            return model.forward(new ai.djl.ndarray.NDList(ids, ids.onesLike()), false).singletonOrThrow()
                    .toFloatArray();
        }
    }

    private static float[] logits(TransformerModel model) {
        try (NDManager step = model.manager().newSubManager()) {
            return model.forward(GPT2.inputs(step, true), false).singletonOrThrow().toFloatArray();
        }
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int index = 0; index < expected.length; index++) {
            assertThat((double) actual[index]).as("%s [%d]", what, index).isCloseTo(expected[index], within(TOLERANCE));
        }
    }
}
