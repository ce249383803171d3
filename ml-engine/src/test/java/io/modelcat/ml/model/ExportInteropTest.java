package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.tokenize.TokenizedBatch;
import io.modelcat.ml.train.CausalLmBatches;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.LabeledAnswer;
import io.modelcat.ml.train.LabeledText;
import io.modelcat.ml.train.LabeledTokens;
import io.modelcat.ml.train.MaskedLmBatches;
import io.modelcat.ml.train.QuestionAnsweringBatches;
import io.modelcat.ml.train.TokenClassificationBatches;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.testsupport.ReferencePython;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine exports after fine-tuning, one model per task head, must load in {@code transformers}
 * ({@code AutoTokenizer} and {@code AutoModelFor...}) with identical token ids and logits within 1e-4 of
 * the engine's on the same inputs. The checks themselves are {@code reference/tests/test_export.py}.
 */
class ExportInteropTest {

    private static final String[] SENTENCES = {"the cat sat on the mat.", "a dog was good", "the movie is bad ."};
    private static final List<List<String>> PAIRS = List.of(List.of("where is the cat?", "the cat sat on the mat."),
            List.of("what was good?", "a movie was good , a dog was bad"));
    private static final TrainingConfig TRAINING = TrainingConfig.defaults().withEpochs(2).withBatchSize(4)
            .withLearningRate(1e-3).withSeed(5);

    @TempDir
    Path exports;

    @Test
    void fineTunedModelsOfEveryTaskLoadInTransformersWithTheSameIdsAndLogits() throws IOException {
        export("sequence-classification", "AutoModelForSequenceClassification",
                ModelLoader.load(Fixtures.bert(), new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION,
                        List.of("negative", "positive"), 3)),
                model -> new FineTuner(TRAINING, TrainingListener.NONE).trainSequenceClassification(model, List.of(
                        new LabeledText("the movie was good", 1), new LabeledText("the movie was bad", 0),
                        new LabeledText("a dog is good", 1), new LabeledText("a cat is bad", 0))));
        export("token-classification", "AutoModelForTokenClassification",
                ModelLoader.load(Fixtures.distilbert(), new HeadRequest(HeadType.TOKEN_CLASSIFICATION,
                        List.of("O", "B-ANIMAL", "I-ANIMAL"), 3)),
                model -> new FineTuner(TRAINING, TrainingListener.NONE).train(model, List.of(
                        new LabeledTokens(List.of("the", "cat", "sat"), List.of(0, 1, 0)),
                        new LabeledTokens(List.of("a", "good", "dog"), List.of(0, 0, 1))),
                        new TokenClassificationBatches(model.tokenizer(), 3, 32)));
        export("question-answering", "AutoModelForQuestionAnswering",
                ModelLoader.load(Fixtures.model("bert-question-answering")),
                model -> new FineTuner(TRAINING, TrainingListener.NONE).train(model, List.of(
                        new LabeledAnswer("where is the cat?", "the cat sat on the mat.", 19, "mat"),
                        new LabeledAnswer("what was good?", "a movie was good", 2, "movie")),
                        new QuestionAnsweringBatches(model.tokenizer(), 32, 0)));
        export("masked-lm", "AutoModelForMaskedLM", ModelLoader.load(Fixtures.model("roberta-masked-lm")),
                model -> new FineTuner(TRAINING, TrainingListener.NONE).train(model, List.of(SENTENCES),
                        new MaskedLmBatches(model.tokenizer(), model.config().requiredInt("vocab_size"), 32, 0.3, 5)));
        export("causal-lm", "AutoModelForCausalLM", ModelLoader.load(Fixtures.gpt2()),
                model -> new FineTuner(TRAINING, TrainingListener.NONE).train(model, List.of(SENTENCES),
                        new CausalLmBatches(model.tokenizer(), model.config().requiredInt("vocab_size"), 32)));
        // The Llama family: Qwen3 read from shards and written as one file, Qwen2 with its head tied to the embeddings.
        for (String decoder : List.of("qwen3", "qwen2")) {
            export("causal-lm-" + decoder, "AutoModelForCausalLM", ModelLoader.load(Fixtures.model(decoder)),
                    model -> new FineTuner(TRAINING, TrainingListener.NONE).train(model, List.of(SENTENCES),
                            new CausalLmBatches(model.tokenizer(), model.config().requiredInt("vocab_size"), 32)));
        }

        String output = ReferencePython.run(Duration.ofMinutes(10), Map.of("MODELCAT_EXPORTS", exports.toString()),
                "-m", "pytest", "-v", "-s", "-p", "no:cacheprovider", "reference/tests/test_export.py");
        assertThat(output).contains("7 passed").doesNotContain("skipped");
    }

    /**
     * Fine-tunes {@code model} a little (weights that transformers never saw), saves it as a job's output is
     * saved, loads the saved folder afresh and writes what that model computes beside it.
     */
    private void export(String task, String autoClass, TransformerModel model, Consumer<TransformerModel> fineTune)
            throws IOException {
        Path directory = exports.resolve(task);
        try (model) {
            fineTune.accept(model);
            ModelSaver.save(model, directory);
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode outputs = json.createObjectNode().put("task", task).put("auto_class", autoClass);
        try (TransformerModel saved = ModelLoader.load(directory); NDManager batch = saved.manager().newSubManager()) {
            TokenizedBatch tokens;
            if (saved.task() == HeadType.QUESTION_ANSWERING) {
                ArrayNode pairs = outputs.putArray("pairs");
                PAIRS.forEach(pair -> pairs.addArray().add(pair.get(0)).add(pair.get(1)));
                tokens = saved.tokenizer().encodePairBatch(PAIRS.stream().map(p -> p.get(0)).toList(),
                        PAIRS.stream().map(p -> p.get(1)).toList(), 64);
            } else {
                ArrayNode texts = outputs.putArray("texts");
                List.of(SENTENCES).forEach(texts::add);
                tokens = saved.tokenizer().encodeBatch(List.of(SENTENCES), 64);
            }
            outputs.set("input_ids", json.valueToTree(tokens.inputIds()));
            outputs.set("attention_mask", json.valueToTree(tokens.attentionMask()));
            outputs.set("token_type_ids", json.valueToTree(tokens.tokenTypeIds()));
            NDArray logits = saved.forward(tokens.toNDList(batch), false).singletonOrThrow();
            outputs.putObject("logits").<ObjectNode>set("shape", json.valueToTree(logits.getShape().getShape()))
                    .set("values", json.valueToTree(logits.toFloatArray()));
        }
        json.writeValue(directory.resolve("engine-outputs.json").toFile(), outputs);
    }
}
