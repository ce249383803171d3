package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.ArchitectureFamily;
import io.modelcat.ml.arch.ParameterSpec;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.arch.TransformerNetwork;
import io.modelcat.ml.checkpoint.HfConfig;
import io.modelcat.ml.metrics.TopKAccuracy;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.ModelSaver;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.EncodedBatch;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.MaskedLmBatches;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The masked-LM heads (BERT, DistilBERT, RoBERTa layouts), fill-mask inference and MLM training. */
class MaskedLanguageModelTest {

    private static final List<String> BERT_HEAD = List.of("cls.predictions.transform.dense.weight",
            "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight",
            "cls.predictions.transform.LayerNorm.bias", "cls.predictions.bias");

    @TempDir
    Path temporary;

    @Test
    void newBertHeadIsInitialisedAsTransformersDoesAndTiedToTheEmbeddings() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert(), new HeadRequest(HeadType.MASKED_LM, List.of(), 5))) {
            assertThat(model.newlyInitialised()).containsExactlyInAnyOrderElementsOf(BERT_HEAD);
            assertThat(model.labels()).isEmpty();
            assertThat(model.config().architecture()).contains("BertForMaskedLM");
            assertThat(model.parameters()).doesNotContainKey("cls.predictions.decoder.weight")
                    .doesNotContainKey("bert.pooler.dense.weight");
            assertThat(model.parameters().get("cls.predictions.transform.LayerNorm.weight").toFloatArray())
                    .containsOnly(1f);
            assertThat(model.parameters().get("cls.predictions.transform.LayerNorm.bias").toFloatArray())
                    .containsOnly(0f);
            assertThat(model.parameters().get("cls.predictions.bias").toFloatArray()).hasSize(45).containsOnly(0f);
            float[] dense = model.parameters().get("cls.predictions.transform.dense.weight").toFloatArray();
            assertThat(dense).hasSize(32 * 32);
            assertThat(standardDeviation(dense)).isCloseTo(0.02, within(0.003));

            long[] ids = Fixtures.referenceOutputs().model("bert").ids(0);
            float[] before = logits(model, ids);
            assertThat(before).hasSize(ids.length * 45);
            assertThat(logits(model, ids)).containsExactly(before);

            // Tied decoder: zero one embedding row and that token's logit is its bias (0) everywhere.
            int token = 20;
            NDArray embeddings = model.parameters().get("bert.embeddings.word_embeddings.weight");
            embeddings.set(new ai.djl.ndarray.index.NDIndex(token), 0f);
            float[] after = logits(model, ids);
            for (int position = 0; position < ids.length; position++) {
                assertThat(after[position * 45 + token]).isZero();
                assertThat(before[position * 45 + token]).isNotZero();
            }
        }
    }

    @Test
    void headLayoutsUseTheHuggingFaceKeysOfEachFamily() {
        HfConfig roberta = HfConfig.parse("{\"model_type\":\"roberta\",\"hidden_size\":32,\"vocab_size\":50}");
        assertThat(TransformerNetwork.headParameters(roberta, ArchitectureFamily.ROBERTA, HeadType.MASKED_LM, 0))
                .extracting(ParameterSpec::name)
                .containsExactly("lm_head.dense.weight", "lm_head.dense.bias", "lm_head.layer_norm.weight",
                        "lm_head.layer_norm.bias", "lm_head.bias");
        HfConfig untied = HfConfig.parse("{\"model_type\":\"roberta\",\"hidden_size\":32,\"vocab_size\":50,"
                + "\"tie_word_embeddings\":false}");
        assertThat(TransformerNetwork.headParameters(untied, ArchitectureFamily.ROBERTA, HeadType.MASKED_LM, 0))
                .extracting(ParameterSpec::name).contains("lm_head.decoder.weight");
        assertThat(TransformerNetwork.headParameters(roberta, ArchitectureFamily.ROBERTA, HeadType.QUESTION_ANSWERING, 0))
                .extracting(ParameterSpec::name).containsExactly("qa_outputs.weight", "qa_outputs.bias");
        assertThat(HeadType.fromTransformersClass("RobertaForMaskedLM")).contains(HeadType.MASKED_LM);
        assertThat(HeadType.fromTransformersClass("BertForQuestionAnswering")).contains(HeadType.QUESTION_ANSWERING);
        assertThat(HeadType.MASKED_LM.isClassification()).isFalse();

        try (TransformerModel model = ModelLoader.load(Fixtures.distilbert(),
                new HeadRequest(HeadType.MASKED_LM, List.of(), 5))) {
            assertThat(model.newlyInitialised()).containsExactlyInAnyOrder("vocab_transform.weight",
                    "vocab_transform.bias", "vocab_layer_norm.weight", "vocab_layer_norm.bias", "vocab_projector.bias");
            assertThat(model.config().architecture()).contains("DistilBertForMaskedLM");
            assertThat(logits(model, new long[] {2, 5, 7, 4, 3})).hasSize(5 * 45);
        }
    }

    @Test
    void fillMaskRanksTokensAtEachMaskAndSavesAndReloads() throws IOException {
        Path bert = bertWithSpecialTokens(temporary.resolve("bert"));
        Path saved = temporary.resolve("saved");
        List<FillMask.MaskPrediction> first;
        try (TransformerModel model = ModelLoader.load(bert, new HeadRequest(HeadType.MASKED_LM, List.of(), 5))) {
            FillMask fill = new FillMask(model, 2, 64);
            assertThat(fill.maskTokenId()).isEqualTo(4);
            first = fill.fill("the cat [MASK] on the [MASK].", 5);
            assertThat(first).hasSize(2);
            assertThat(first).extracting(FillMask.MaskPrediction::position).containsExactly(3, 6);
            for (FillMask.MaskPrediction prediction : first) {
                assertThat(prediction.candidates()).hasSize(5);
                List<Double> scores = prediction.candidates().stream().map(FillMask.Candidate::score).toList();
                assertThat(scores).isSortedAccordingTo((a, b) -> Double.compare(b, a));
                assertThat(scores.stream().mapToDouble(Double::doubleValue).sum()).isBetween(0.0, 1.0 + 1e-6);
                assertThat(prediction.candidates()).allSatisfy(candidate ->
                        assertThat(candidate.token()).isNotBlank());
            }
            // Batched, padded and by ids: the same answers.
            List<List<FillMask.MaskPrediction>> batch = fill.fill(List.of("a dog", "the cat [MASK] on the [MASK]."), 5);
            assertThat(batch.get(0)).isEmpty();
            assertThat(batch.get(1).get(0).rankedIds()).containsExactly(first.get(0).rankedIds());
            assertThat(batch.get(1).get(1).candidates().get(0).score())
                    .isCloseTo(first.get(1).candidates().get(0).score(), within(1e-5));
            List<List<FillMask.MaskPrediction>> byIds = fill.fillIds(List.of(new long[] {2, 5, 7, 4, 10, 5, 4, 17, 3}), 5);
            assertThat(byIds.get(0).get(0).rankedIds()).containsExactly(first.get(0).rankedIds());
            ModelSaver.save(model, saved);
        }
        try (TransformerModel reloaded = ModelLoader.load(saved)) {
            assertThat(reloaded.task()).isEqualTo(HeadType.MASKED_LM);
            assertThat(reloaded.newlyInitialised()).isEmpty();
            List<FillMask.MaskPrediction> again = new FillMask(reloaded, 2, 64).fill("the cat [MASK] on the [MASK].", 5);
            assertThat(again.get(0).rankedIds()).containsExactly(first.get(0).rankedIds());
            assertThat(again.get(1).candidates().get(0).score())
                    .isCloseTo(first.get(1).candidates().get(0).score(), within(1e-6));
        }
    }

    @Test
    void fineTuningOnMaskedSentencesLowersTheLossAndRaisesAccuracy() throws IOException {
        Path bert = bertWithSpecialTokens(temporary.resolve("bert"));
        List<String> sentences = new ArrayList<>();
        for (int copy = 0; copy < 8; copy++) {
            sentences.add("the cat sat on the mat.");
            sentences.add("the dog was good.");
            sentences.add("a movie is bad.");
        }
        List<String> probes = List.of("the cat sat on the [MASK].", "the dog was [MASK].", "a [MASK] is bad.");
        List<List<String>> answers = List.of(List.of("mat"), List.of("good"), List.of("movie"));
        try (TransformerModel model = ModelLoader.load(bert, new HeadRequest(HeadType.MASKED_LM, List.of(), 5))) {
            int vocabulary = model.config().requiredInt("vocab_size");
            MaskedLmBatches heldOut = new MaskedLmBatches(model.tokenizer(), vocabulary, 64, 0.3, 99);
            double lossBefore = meanLoss(model, heldOut.encode(sentences.subList(0, 12), model.manager()));
            FillMask fill = new FillMask(model, 4, 64);
            TopKAccuracy accuracyBefore = fill.evaluate(probes, answers, 5);

            TrainingConfig config = TrainingConfig.defaults().withEpochs(15).withBatchSize(8).withLearningRate(3e-3)
                    .withWarmupRatio(0.1).withSeed(3);
            TrainingResult result = new FineTuner(config, step -> { }).train(model, sentences,
                    new MaskedLmBatches(model.tokenizer(), vocabulary, 64, 0.15, 1));

            MaskedLmBatches sameMasks = new MaskedLmBatches(model.tokenizer(), vocabulary, 64, 0.3, 99);
            double lossAfter = meanLoss(model, sameMasks.encode(sentences.subList(0, 12), model.manager()));
            TopKAccuracy accuracyAfter = fill.evaluate(probes, answers, 5);
            System.out.printf("masked LM: held-out loss %.3f -> %.3f, epoch loss %.3f -> %.3f, top-1 %.2f -> %.2f,"
                            + " top-5 %.2f -> %.2f%n", lossBefore, lossAfter, result.epochMeanLosses().get(0),
                    result.epochMeanLosses().get(14), accuracyBefore.top1(), accuracyAfter.top1(), accuracyBefore.top5(),
                    accuracyAfter.top5());
            assertThat(lossAfter).isLessThan(lossBefore * 0.75);
            assertThat(result.epochMeanLosses().get(14)).isLessThan(result.epochMeanLosses().get(0));
            assertThat(accuracyAfter.count()).isEqualTo(3);
            assertThat(accuracyAfter.top5()).isGreaterThanOrEqualTo(accuracyBefore.top5());
            assertThat(accuracyAfter.top5()).isGreaterThanOrEqualTo(2.0 / 3);
        }
    }

    @Test
    void maskingSelectsOnlyRealTokensAndIsSeeded() throws IOException {
        Path bert = bertWithSpecialTokens(temporary.resolve("bert"));
        try (TransformerModel model = ModelLoader.load(bert, new HeadRequest(HeadType.MASKED_LM, List.of(), 5));
                NDManager batch = model.manager().newSubManager()) {
            List<String> texts = List.of("the cat sat on the mat.", "a dog");
            EncodedBatch one = new MaskedLmBatches(model.tokenizer(), 45, 64, 0.5, 7).encode(texts, batch);
            EncodedBatch two = new MaskedLmBatches(model.tokenizer(), 45, 64, 0.5, 7).encode(texts, batch);
            assertThat(one.inputs().get(0).toLongArray()).containsExactly(two.inputs().get(0).toLongArray());
            long[] targets = one.targetIds().toLongArray();
            float[] weights = one.targetWeights().toFloatArray();
            assertThat(two.targetIds().toLongArray()).containsExactly(targets);
            int sequence = (int) one.inputs().get(0).getShape().get(1);
            long[] original = model.tokenizer().encodeBatch(texts, 64).inputIds()[1];
            for (int position = 0; position < sequence; position++) {
                // Row 2 is [CLS] a dog [SEP] + padding: only "a" and "dog" may be trained, each to be itself.
                if (position == 0 || position >= 3) {
                    assertThat(weights[sequence + position]).isZero();
                } else if (weights[sequence + position] > 0) {
                    assertThat(targets[sequence + position]).isEqualTo(original[position]);
                }
            }
            assertThat(one.targetCount().getFloat()).isGreaterThanOrEqualTo(2f);
        }
    }

    @Test
    void topKAccuracyCountsRanks() {
        TopKAccuracy accuracy = new TopKAccuracy()
                .add(3, new long[] {3, 1, 2})
                .add(2, new long[] {1, 2, 3})
                .add(9, new long[] {1, 2, 3, 4, 5, 9})
                .add(7, new long[] {1, 2});
        assertThat(accuracy.count()).isEqualTo(4);
        assertThat(accuracy.top1()).isEqualTo(0.25);
        assertThat(accuracy.topK(2)).isEqualTo(0.5);
        assertThat(accuracy.top5()).isEqualTo(0.5);
        assertThat(accuracy.topK(6)).isEqualTo(0.75);
        assertThat(new TopKAccuracy().top1()).isZero();
    }

    private static double meanLoss(TransformerModel model, EncodedBatch batch) {
        try (NDManager step = model.manager().newSubManager()) {
            NDList inputs = new NDList(batch.inputs().stream().map(array -> array.duplicate()).toList());
            inputs.attach(step);
            NDArray logits = model.forward(inputs, false).singletonOrThrow();
            NDArray picked = logits.logSoftmax(-1).gather(batch.targetIds().expandDims(-1), -1).squeeze(-1);
            return -picked.mul(batch.targetWeights()).sum().getFloat() / batch.targetCount().getFloat();
        } finally {
            batch.inputs().close();
            batch.targetIds().close();
            batch.targetWeights().close();
            batch.targetCount().close();
        }
    }

    private static float[] logits(TransformerModel model, long[] ids) {
        try (NDManager step = model.manager().newSubManager()) {
            NDList inputs = new NDList(step.create(new long[][] {ids}), step.ones(new ai.djl.ndarray.types.Shape(1,
                    ids.length), ai.djl.ndarray.types.DataType.INT64), step.zeros(new ai.djl.ndarray.types.Shape(1,
                    ids.length), ai.djl.ndarray.types.DataType.INT64));
            return model.forward(inputs, false).singletonOrThrow().toFloatArray();
        }
    }

    private static double standardDeviation(float[] values) {
        double sum = 0;
        double squares = 0;
        for (float value : values) {
            sum += value;
            squares += value * value;
        }
        double mean = sum / values.length;
        return Math.sqrt(squares / values.length - mean * mean);
    }

    /** The fixture BERT whose tokenizer lists its special tokens as added tokens, as real BERT tokenizers do. */
    static Path bertWithSpecialTokens(Path directory) throws IOException {
        Files.createDirectories(directory);
        for (String file : new String[] {"config.json", "model.safetensors"}) {
            Files.copy(Fixtures.bert().resolve(file), directory.resolve(file));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode tokenizer = (ObjectNode) json.readTree(Fixtures.bert().resolve("tokenizer.json").toFile());
        ArrayNode added = tokenizer.putArray("added_tokens");
        String[] special = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
        for (int id = 0; id < special.length; id++) {
            added.addObject().put("id", id).put("content", special[id]).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        json.writeValue(directory.resolve("tokenizer.json").toFile(), tokenizer);
        return directory;
    }
}
