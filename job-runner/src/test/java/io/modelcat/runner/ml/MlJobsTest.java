package io.modelcat.runner.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.datasets.DatasetFormat;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobQueue;
import io.modelcat.jobs.spec.DatasetRef;
import io.modelcat.jobs.spec.EvaluateSpec;
import io.modelcat.jobs.spec.FinetuneSpec;
import io.modelcat.jobs.spec.Hyperparameters;
import io.modelcat.jobs.spec.JobSpec;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.jobs.spec.SpecError;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.GenerationConfig;
import io.modelcat.ml.infer.TextGenerator;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.model.LoraAdapters;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.runner.RunnerContexts;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.Seq2SeqData;
import io.modelcat.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evaluate and fine-tune jobs on a real runner (real Quartz, PostgreSQL and DJL on the tiny BERT),
 * queued the way catalog-service queues them: a job row with its parameters, then a trigger.
 */
class MlJobsTest {

    private static final Map<String, String> MAPPING = Map.of("sentence1", "review", "label", "sentiment");

    @TempDir
    Path home;

    private UUID modelId;
    private UUID versionId;
    private UUID datasetId;

    @BeforeEach
    void catalog() throws Exception {
        TestDatabase.shared().truncateAll();
        Path artifact = home.resolve("models/bert");
        Files.createDirectories(artifact);
        for (String file : new String[] {"config.json", "tokenizer.json", "model.safetensors"}) {
            Files.copy(Fixtures.model("bert").resolve(file), artifact.resolve(file));
        }
        Path datasets = home.resolve("datasets");
        Files.createDirectories(datasets);
        Files.writeString(datasets.resolve("reviews.csv"), reviews(300, 11));
        modelId = UUID.randomUUID();
        versionId = UUID.randomUUID();
        datasetId = UUID.randomUUID();
        sql("INSERT INTO model (id, name, task, finetuning_tasks, license) VALUES ('" + modelId
                + "', 'bert', 'text-classification', '{text-classification}', 'apache-2.0')");
        sql("INSERT INTO model_version (id, model_id, version_number, artifact_uri) VALUES ('" + versionId + "', '"
                + modelId + "', 1, '" + artifact.toUri() + "')");
        sql("INSERT INTO dataset (id, name, format, size_bytes, sha256, row_count, columns, preview, storage_path) VALUES ('"
                + datasetId + "', 'reviews', 'csv', 1, '" + "0".repeat(64) + "', 300, '[]', '[]', 'reviews.csv')");
    }

    /** SQuAD-style rows: "what was good ?" over a context naming which animal was good and which bad. */
    static String questions(int rows, long seed) {
        String[] animals = {"cat", "dog", "movie"};
        Random random = new Random(seed);
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            String good = animals[random.nextInt(animals.length)];
            String bad = animals[(java.util.Arrays.asList(animals).indexOf(good) + 1 + random.nextInt(2)) % animals.length];
            boolean goodFirst = random.nextBoolean();
            String context = goodFirst ? "the " + good + " was good , the " + bad + " was bad ."
                    : "the " + bad + " was bad , the " + good + " was good .";
            boolean askGood = random.nextBoolean();
            String answer = askGood ? good : bad;
            int start = context.indexOf("the " + answer + " was " + (askGood ? "good" : "bad")) + 4;
            jsonl.append("{\"question\": \"what was ").append(askGood ? "good" : "bad").append(" ?\", \"context\": \"")
                    .append(context).append("\", \"answers\": {\"text\": [\"").append(answer)
                    .append("\"], \"answer_start\": [").append(start).append("]}}\n");
        }
        return jsonl.toString();
    }

    static String reviews(int rows, long seed) {
        String[] filler = {"the", "a", "cat", "dog", "sat", "on", "mat", "movie", "was", "is"};
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("review,sentiment\n");
        for (int i = 0; i < rows; i++) {
            boolean positive = random.nextBoolean();
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 4; w++) {
                text.append(filler[random.nextInt(filler.length)]).append(' ');
            }
            text.append(positive ? "good" : "bad");
            csv.append(text).append(',').append(positive ? "positive" : "negative").append('\n');
        }
        return csv.toString();
    }

    private DatasetRef dataset() {
        return new DatasetRef(datasetId, "reviews.csv", DatasetFormat.CSV);
    }

    /** A one-column ("text") CSV of {@code rows} rows taking the lines in turn, as the dataset's file. */
    private DatasetRef texts(int rows, String... lines) throws IOException {
        StringBuilder csv = new StringBuilder("text\n");
        for (int i = 0; i < rows; i++) {
            csv.append(lines[i % lines.length]).append('\n');
        }
        Files.writeString(home.resolve("datasets/texts.csv"), csv);
        return new DatasetRef(datasetId, "texts.csv", DatasetFormat.CSV);
    }

    private EvaluateSpec evaluation(Path artifact) {
        return new EvaluateSpec(Task.TEXT_CLASSIFICATION, versionId, artifact.toUri().toString(), dataset(), MAPPING,
                ((Number) EvaluateSpec.BATCH_SIZE.fallback()).intValue(), 64);
    }

    private UUID queue(EmbeddedServer runner, JobSpec spec) throws SQLException {
        return queue(runner, UUID.randomUUID(), spec);
    }

    private UUID queue(EmbeddedServer runner, UUID id, JobSpec spec) throws SQLException {
        sql("INSERT INTO job (id, kind, model_id, params) VALUES ('" + id + "', '" + spec.kind().wireName() + "', '"
                + modelId + "', '" + JobSpecs.write(spec).replace("'", "''") + "'::jsonb)");
        runner.getApplicationContext().getBean(JobQueue.class).submit(id, DeviceRequest.cpu(), 0, Instant.now());
        return id;
    }

    @Test
    void evaluatesThenFineTunesAndTheFineTunedModelIsBetter() throws Exception {
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            UUID evaluation = queue(runner, evaluation(home.resolve("models/bert")));
            assertThat(await(evaluation)).isEqualTo("succeeded");
            double baseAccuracy = metric(evaluation, "test", "accuracy");
            assertThat(count("SELECT count(*) FROM prediction_sample WHERE job_id = '" + evaluation + "'")).isEqualTo(50);

            List<SpecError> errors = new ArrayList<>();
            Hyperparameters hyperparameters = Hyperparameters.resolve(
                    new Hyperparameters.Input(4, 8, 3e-3, null, 0.1, null, 3L, 64, null), errors);
            assertThat(errors).isEmpty();
            UUID finetune = queue(runner, new FinetuneSpec(Task.TEXT_CLASSIFICATION, versionId,
                    home.resolve("models/bert").toUri().toString(), dataset(), null, null, MAPPING, hyperparameters));
            assertThat(await(finetune)).isEqualTo("succeeded");
            double tunedAccuracy = metric(finetune, "test", "accuracy");
            assertThat(tunedAccuracy).as("base %s, tuned %s", baseAccuracy, tunedAccuracy).isGreaterThan(0.9);
            assertThat(count("SELECT count(DISTINCT epoch) FROM metric WHERE job_id = '" + finetune
                    + "' AND split = 'validation'")).isEqualTo(4);
            assertThat(count("SELECT count(*) FROM metric WHERE job_id = '" + finetune
                    + "' AND split = 'train' AND name = 'loss'")).isGreaterThan(5);
            assertThat(Files.isRegularFile(home.resolve("models/finetuned/" + finetune + "/model.safetensors"))).isTrue();
            assertThat(Files.readString(home.resolve("models/finetuned/" + finetune + "/config.json")))
                    .contains("\"positive\"").contains("\"negative\"");
        }
    }

    @Test
    void evaluatesACheckpointWithoutAHeadForTheTaskThroughANewHead() throws Exception {
        Path tagger = home.resolve("models/distilbert");
        Files.createDirectories(tagger);
        for (String file : new String[] {"config.json", "tokenizer.json", "model.safetensors"}) {
            Files.copy(Fixtures.model("distilbert").resolve(file), tagger.resolve(file));
        }
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            UUID evaluation = queue(runner, evaluation(tagger));
            assertThat(await(evaluation)).isEqualTo("succeeded");
            assertThat(metric(evaluation, "test", "accuracy")).isBetween(0.0, 1.0);
            assertThat(count("SELECT count(*) FROM job_log WHERE job_id = '" + evaluation
                    + "' AND message LIKE '%new, untrained one%'")).isEqualTo(1);
        }
    }

    @Test
    void evaluatesAndFineTunesQuestionAnswering() throws Exception {
        Path reader = home.resolve("models/bert-qa");
        Files.createDirectories(reader);
        for (String file : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"}) {
            Files.copy(Fixtures.model("bert-question-answering").resolve(file), reader.resolve(file));
        }
        UUID qa = UUID.randomUUID();
        Files.writeString(home.resolve("datasets/questions.jsonl"), questions(120, 5));
        sql("INSERT INTO dataset (id, name, format, size_bytes, sha256, row_count, columns, preview, storage_path) VALUES ('"
                + qa + "', 'questions', 'jsonl', 1, '" + "0".repeat(64) + "', 120, '[]', '[]', 'questions.jsonl')");
        DatasetRef questions = new DatasetRef(qa, "questions.jsonl", DatasetFormat.JSONL);
        Map<String, String> mapping = Map.of("question", "question", "context", "context", "answers", "answers");
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            UUID evaluation = queue(runner, new EvaluateSpec(Task.QUESTION_ANSWERING, versionId, reader.toUri().toString(),
                    questions, mapping, 16, 64));
            assertThat(await(evaluation)).isEqualTo("succeeded");
            assertThat(metric(evaluation, "test", "exact_match")).isBetween(0.0, 1.0);
            assertThat(metric(evaluation, "test", "f1")).isBetween(0.0, 1.0);

            List<SpecError> errors = new ArrayList<>();
            Hyperparameters hyperparameters = Hyperparameters.resolve(
                    new Hyperparameters.Input(4, 8, 3e-3, null, 0.1, null, 3L, 64, null), errors);
            UUID finetune = queue(runner, new FinetuneSpec(Task.QUESTION_ANSWERING, versionId, reader.toUri().toString(),
                    questions, null, null, mapping, hyperparameters));
            assertThat(await(finetune)).isEqualTo("succeeded");
            assertThat(metric(finetune, "test", "f1")).isBetween(0.0, 1.0);
            double firstEpochLoss = epochLoss(finetune, 1);
            double lastEpochLoss = epochLoss(finetune, 4);
            assertThat(lastEpochLoss).as("epoch loss %s, then %s", firstEpochLoss, lastEpochLoss).isLessThan(firstEpochLoss);
            assertThat(Files.readString(home.resolve("models/finetuned/" + finetune + "/config.json")))
                    .contains("BertForQuestionAnswering");
        }
    }

    @Test
    void aLoraFineTuneTrainsAnAdapterThatLoadsAsTheBaseWithIt() throws Exception {
        Path gpt2 = home.resolve("models/gpt2");
        Files.createDirectories(gpt2);
        for (String file : new String[] {"config.json", "tokenizer.json", "model.safetensors", "generation_config.json"}) {
            Files.copy(Fixtures.model("gpt2").resolve(file), gpt2.resolve(file));
        }
        byte[] baseWeights = Files.readAllBytes(gpt2.resolve("model.safetensors"));
        DatasetRef texts = texts(60, "the cat sat on the mat .", "a dog was good", "the dog sat on the mat .");
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            List<SpecError> errors = new ArrayList<>();
            Hyperparameters hyperparameters = Hyperparameters.resolve(new Hyperparameters.Input(4, 8, 2e-2, 0.0, null,
                    null, 3L, 32, null, 8, 16.0, 0.0), errors);
            assertThat(errors).isEmpty();
            UUID finetune = queue(runner, new FinetuneSpec(Task.TEXT_GENERATION, versionId, gpt2.toUri().toString(),
                    texts, null, null, Map.of("text", "text"), hyperparameters));
            assertThat(await(finetune)).isEqualTo("succeeded");
            assertThat(epochLoss(finetune, 4)).isLessThan(epochLoss(finetune, 1));
            assertThat(metric(finetune, "test", "perplexity")).isPositive();
            assertThat(count("SELECT count(*) FROM job_log WHERE job_id = '" + finetune
                    + "' AND message LIKE 'Training a LoRA adapter (rank 8%'")).isEqualTo(1);

            Path output = home.resolve("models/finetuned/" + finetune);
            assertThat(output.resolve("adapter_config.json")).exists();
            assertThat(output.resolve("adapter_model.safetensors")).exists();
            assertThat(output.resolve("tokenizer.json")).exists();
            assertThat(output.resolve("model.safetensors")).doesNotExist();
            assertThat(Files.readString(output.resolve("adapter_config.json")))
                    .contains(gpt2.toAbsolutePath().toString()).contains("\"c_attn\"");
            // The base is untouched, and the output loads as the base with the adapter.
            assertThat(Files.readAllBytes(gpt2.resolve("model.safetensors"))).isEqualTo(baseWeights);
            try (TransformerModel tuned = ModelLoader.load(output)) {
                assertThat(LoraAdapters.attached(tuned)).hasValueSatisfying(spec -> assertThat(spec.rank()).isEqualTo(8));
                assertThat(new TextGenerator(tuned).generate("the cat", GenerationConfig.greedy()).generatedIds())
                        .isNotEmpty();
            }
        }
    }

    /**
     * A LoRA fine-tune of the tiny BERT classifier trains an adapter on peft's default layers for BERT (query and
     * value) with the head trained whole (modules_to_save) and the fine-tune's labels in the config.json beside
     * it; the base's weights stay as they were; evaluation and prediction of the output folder load the base with
     * that head, those labels and the adapter.
     */
    @Test
    void aLoraFineTuneOfAClassifierIsAnAdapterWithItsHeadAndLabelsThatEvaluatesAndPredicts() throws Exception {
        Path bert = home.resolve("models/bert");
        byte[] baseWeights = Files.readAllBytes(bert.resolve("model.safetensors"));
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            UUID before = queue(runner, evaluation(bert));
            assertThat(await(before)).isEqualTo("succeeded");
            double baseAccuracy = metric(before, "test", "accuracy");

            List<SpecError> errors = new ArrayList<>();
            Hyperparameters hyperparameters = Hyperparameters.resolve(new Hyperparameters.Input(6, 8, 2e-2, 0.0, 0.1,
                    null, 3L, 64, null, 8, 16.0, 0.0), errors);
            assertThat(errors).isEmpty();
            UUID finetune = queue(runner, new FinetuneSpec(Task.TEXT_CLASSIFICATION, versionId, bert.toUri().toString(),
                    dataset(), null, null, MAPPING, hyperparameters));
            assertThat(await(finetune)).isEqualTo("succeeded");
            double tunedAccuracy = metric(finetune, "test", "accuracy");
            assertThat(tunedAccuracy).as("base %s, tuned %s", baseAccuracy, tunedAccuracy)
                    .isGreaterThan(baseAccuracy).isGreaterThan(0.9);
            assertThat(count("SELECT count(*) FROM job_log WHERE job_id = '" + finetune
                    + "' AND message LIKE 'Training a LoRA adapter (rank 8, alpha 16.0) on query, value%'")).isEqualTo(1);
            assertThat(resultOf(finetune)).contains("\"loraTargetModules\": [\"query\", \"value\"]");

            Path output = home.resolve("models/finetuned/" + finetune);
            assertThat(output.resolve("model.safetensors")).doesNotExist();
            String adapterConfig = Files.readString(output.resolve(LoraAdapters.CONFIG_FILE));
            assertThat(adapterConfig).contains("\"task_type\" : \"SEQ_CLS\"")
                    .contains(bert.toAbsolutePath().toString());
            assertThat(LoraAdapters.readSpec(output).targetModules()).containsExactly("query", "value");
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(adapterConfig).get("modules_to_save")
                    .toString()).contains("\"classifier\"");
            assertThat(output.resolve(LoraAdapters.WEIGHTS_FILE)).exists();
            assertThat(Files.readString(output.resolve("config.json"))).contains("BertForSequenceClassification")
                    .contains("\"positive\"").contains("\"negative\"");
            assertThat(Files.readAllBytes(bert.resolve("model.safetensors"))).isEqualTo(baseWeights);
            try (TransformerModel tuned = ModelLoader.load(output)) {
                assertThat(LoraAdapters.attached(tuned)).hasValueSatisfying(spec -> assertThat(spec.rank()).isEqualTo(8));
                assertThat(tuned.labels()).containsExactlyInAnyOrder("positive", "negative");
            }

            // Evaluating the adapter's folder uses its own head and labels, not a new, untrained one.
            UUID after = queue(runner, evaluation(output));
            assertThat(await(after)).isEqualTo("succeeded");
            assertThat(metric(after, "test", "accuracy")).isGreaterThan(0.9);
            assertThat(count("SELECT count(*) FROM job_log WHERE job_id = '" + after
                    + "' AND message LIKE '%new, untrained one%'")).isZero();

            UUID predict = queue(runner, new io.modelcat.jobs.spec.PredictSpec(Task.TEXT_CLASSIFICATION,
                    output.toUri().toString(), Map.of("text", "the dog sat on good"), null, null));
            assertThat(await(predict)).isEqualTo("succeeded");
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(resultOf(predict))
                    .get("prediction").get("label").asText()).isEqualTo("positive");
        }
    }

    /**
     * A Llama-family model (the tiny Qwen3, its weights in shards as bigger Hub models have them) is evaluated and
     * fine-tuned for text generation; the fine-tuned model is saved as one file and names its transformers class.
     */
    @Test
    void evaluatesAndFineTunesTextGenerationOfAShardedQwen3() throws Exception {
        Path qwen = Fixtures.copyModel("qwen3", home.resolve("models/qwen3"));
        UUID texts = UUID.randomUUID();
        StringBuilder jsonl = new StringBuilder();
        for (int row = 0; row < 40; row++) {
            jsonl.append("{\"text\": \"the cat sat on the mat. the dog was good.\"}\n");
        }
        Files.writeString(home.resolve("datasets/texts.jsonl"), jsonl);
        sql("INSERT INTO dataset (id, name, format, size_bytes, sha256, row_count, columns, preview, storage_path) VALUES ('"
                + texts + "', 'texts', 'jsonl', 1, '" + "0".repeat(64) + "', 40, '[]', '[]', 'texts.jsonl')");
        DatasetRef corpus = new DatasetRef(texts, "texts.jsonl", DatasetFormat.JSONL);
        Map<String, String> mapping = Map.of("text", "text");
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            UUID evaluation = queue(runner, new EvaluateSpec(Task.TEXT_GENERATION, versionId, qwen.toUri().toString(),
                    corpus, mapping, 8, 32));
            assertThat(await(evaluation)).isEqualTo("succeeded");
            double baseLoss = metric(evaluation, "test", "loss");

            List<SpecError> errors = new ArrayList<>();
            Hyperparameters hyperparameters = Hyperparameters.resolve(
                    new Hyperparameters.Input(3, 8, 1e-2, null, null, null, 3L, 32, null, null, null, null), errors);
            assertThat(errors).isEmpty();
            UUID finetune = queue(runner, new FinetuneSpec(Task.TEXT_GENERATION, versionId, qwen.toUri().toString(),
                    corpus, null, null, mapping, hyperparameters));
            assertThat(await(finetune)).isEqualTo("succeeded");
            double tunedLoss = metric(finetune, "test", "loss");
            assertThat(tunedLoss).as("base loss %s, tuned %s", baseLoss, tunedLoss).isLessThan(baseLoss * 0.7);
            Path tuned = home.resolve("models/finetuned/" + finetune);
            assertThat(tuned.resolve("model.safetensors")).isRegularFile();
            assertThat(tuned.resolve("model.safetensors.index.json")).doesNotExist();
            assertThat(Files.readString(tuned.resolve("config.json"))).contains("Qwen3ForCausalLM");
        }
    }

    /** A LoRA fine-tune of the Llama family adapts peft's default layers for it, q_proj and v_proj. */
    @Test
    void aLoraFineTuneOfQwen3AdaptsItsQueryAndValueProjections() throws Exception {
        Path qwen = Fixtures.copyModel("qwen3", home.resolve("models/qwen3"));
        DatasetRef texts = texts(40, "the cat sat on the mat .", "a dog was good");
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            List<SpecError> errors = new ArrayList<>();
            Hyperparameters hyperparameters = Hyperparameters.resolve(new Hyperparameters.Input(3, 8, 2e-2, 0.0, null,
                    null, 3L, 32, null, 4, 8.0, 0.0), errors);
            assertThat(errors).isEmpty();
            UUID finetune = queue(runner, new FinetuneSpec(Task.TEXT_GENERATION, versionId, qwen.toUri().toString(),
                    texts, null, null, Map.of("text", "text"), hyperparameters));
            assertThat(await(finetune)).isEqualTo("succeeded");
            assertThat(epochLoss(finetune, 3)).isLessThan(epochLoss(finetune, 1));
            Path output = home.resolve("models/finetuned/" + finetune);
            assertThat(Files.readString(output.resolve("adapter_config.json"))).contains("\"q_proj\"")
                    .contains("\"v_proj\"").doesNotContain("\"k_proj\"");
            try (TransformerModel tuned = ModelLoader.load(output)) {
                assertThat(LoraAdapters.attached(tuned)).hasValueSatisfying(spec -> assertThat(spec.rank()).isEqualTo(4));
                assertThat(new TextGenerator(tuned).generate("the cat", GenerationConfig.greedy()).generatedIds())
                        .isNotEmpty();
            }
        }
    }

    /**
     * loraTargetModules picks the layers adapted (here all four attention projections and the MLP of the tiny
     * Llama, one by peft's dotted suffix): the adapter's config lists them, the result names them for the lineage;
     * a name that matches no linear layer fails the job naming it and the layers the model has.
     */
    @Test
    void aLoraFineTuneAdaptsTheLayersItsTargetModulesName() throws Exception {
        Path llama = Fixtures.copyModel("llama", home.resolve("models/llama"));
        DatasetRef texts = texts(40, "the cat sat on the mat .", "a dog was good");
        List<String> targets = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                "mlp.down_proj");
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            List<SpecError> errors = new ArrayList<>();
            Hyperparameters hyperparameters = Hyperparameters.resolve(new Hyperparameters.Input(3, 8, 2e-2, 0.0, null,
                    null, 3L, 32, null, 4, 8.0, 0.0, targets), errors);
            assertThat(errors).isEmpty();
            UUID finetune = queue(runner, new FinetuneSpec(Task.TEXT_GENERATION, versionId, llama.toUri().toString(),
                    texts, null, null, Map.of("text", "text"), hyperparameters));
            assertThat(await(finetune)).isEqualTo("succeeded");
            assertThat(epochLoss(finetune, 3)).isLessThan(epochLoss(finetune, 1));
            Path output = home.resolve("models/finetuned/" + finetune);
            assertThat(LoraAdapters.readSpec(output).targetModules()).isEqualTo(targets);
            assertThat(resultOf(finetune)).contains("\"loraTargetModules\": [\"q_proj\", \"k_proj\"");
            try (TransformerModel tuned = ModelLoader.load(output)) {
                assertThat(tuned.parameters().keySet()).filteredOn(n -> n.endsWith(".lora_A.weight"))
                        .anyMatch(n -> n.endsWith("mlp.down_proj.lora_A.weight"))
                        .anyMatch(n -> n.endsWith("self_attn.o_proj.lora_A.weight"));
            }

            Hyperparameters misspelt = Hyperparameters.resolve(new Hyperparameters.Input(1, 8, 2e-2, 0.0, null,
                    null, 3L, 32, null, 4, 8.0, 0.0, List.of("q_proj", "qproj")), errors);
            UUID refused = queue(runner, new FinetuneSpec(Task.TEXT_GENERATION, versionId, llama.toUri().toString(),
                    texts, null, null, Map.of("text", "text"), misspelt));
            assertThatThrownBy(() -> await(refused)).hasMessageContaining("hyperparameters.loraTargetModules")
                    .hasMessageContaining("[qproj]").hasMessageContaining("down_proj").hasMessageContaining("q_proj");
        }
    }

    /**
     * With loraMerge the job's output is the whole model, the adapter merged into its weights, in Hub layout: the
     * same fine-tune (same seed) without it gives the adapter, and reference/tests/test_peft.py checks that peft
     * loads that adapter onto the base and transformers alone the merged folder (its tokenizer and generation config
     * too), both with the logits the engine computes with the adapter applied, within 1e-4.
     */
    @Test
    void aMergedLoraFineTuneIsAWholeModelThatTransformersLoadsWithTheAdaptersLogits() throws Exception {
        Path llama = Fixtures.copyModel("llama", home.resolve("models/llama"));
        DatasetRef texts = texts(40, "the cat sat on the mat .", "a dog was good");
        List<String> targets = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        Path adapter;
        Path merged;
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            List<SpecError> errors = new ArrayList<>();
            UUID[] jobs = new UUID[2];
            for (int i = 0; i < 2; i++) {
                Hyperparameters hyperparameters = Hyperparameters.resolve(new Hyperparameters.Input(2, 8, 2e-2, 0.0,
                        null, null, 3L, 32, null, 4, 8.0, 0.0, targets, i == 1), errors);
                assertThat(errors).isEmpty();
                jobs[i] = queue(runner, new FinetuneSpec(Task.TEXT_GENERATION, versionId, llama.toUri().toString(),
                        texts, null, null, Map.of("text", "text"), hyperparameters));
                assertThat(await(jobs[i])).isEqualTo("succeeded");
            }
            adapter = home.resolve("models/finetuned/" + jobs[0]);
            merged = home.resolve("models/finetuned/" + jobs[1]);
            assertThat(resultOf(jobs[1])).contains("\"loraTargetModules\": [\"q_proj\"");
            assertThat(count("SELECT count(*) FROM job_log WHERE job_id = '" + jobs[1]
                    + "' AND message LIKE 'Merged the LoRA adapter into the base model%'")).isEqualTo(1);
            // The merged job's test metrics are those of the adapter's: the same model, folded.
            assertThat(metric(jobs[1], "test", "loss")).isCloseTo(metric(jobs[0], "test", "loss"),
                    org.assertj.core.data.Offset.offset(1e-4));
        }
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                "generation_config.json")) {
            assertThat(merged.resolve(file)).as(file).isRegularFile();
        }
        assertThat(merged.resolve(LoraAdapters.CONFIG_FILE)).doesNotExist();
        assertThat(merged.resolve(LoraAdapters.WEIGHTS_FILE)).doesNotExist();

        Path interop = home.resolve("interop");
        Files.createDirectories(interop);
        Files.createSymbolicLink(interop.resolve("adapter"), adapter);
        Files.createSymbolicLink(interop.resolve("merged"), merged);
        List<String> prompts = List.of("the cat sat on the mat .", "a dog was good", "the mat .");
        try (TransformerModel tuned = ModelLoader.load(adapter);
             ai.djl.ndarray.NDManager batch = tuned.manager().newSubManager()) {
            assertThat(LoraAdapters.attached(tuned)).isPresent();
            io.modelcat.ml.tokenize.TokenizedBatch tokens = tuned.tokenizer().encodeBatch(prompts, 32);
            ai.djl.ndarray.NDArray logits = tuned.forward(tokens.toNDList(batch), false).singletonOrThrow();
            String adapted = tuned.parameters().keySet().stream().filter(n -> n.endsWith(".lora_A.weight")).sorted()
                    .map(n -> "\"" + n + "\"").collect(java.util.stream.Collectors.joining(", "));
            Files.writeString(interop.resolve("engine-outputs.json"), "{\"base\": \"" + llama.toAbsolutePath()
                    + "\", \"rank\": 4, \"hub_layout\": true, \"targets\": [" + targets.stream().map(t -> "\"" + t + "\"")
                    .collect(java.util.stream.Collectors.joining(", ")) + "], \"adapted\": [" + adapted
                    + "], \"input_ids\": " + java.util.Arrays.deepToString(tokens.inputIds())
                    + ", \"attention_mask\": " + java.util.Arrays.deepToString(tokens.attentionMask())
                    + ", \"logits\": {\"shape\": " + java.util.Arrays.toString(logits.getShape().getShape())
                    + ", \"values\": " + java.util.Arrays.toString(logits.toFloatArray()) + "}}");
        }
        String output = io.modelcat.testsupport.ReferencePython.run(Duration.ofMinutes(10),
                Map.of("MODELCAT_ADAPTERS", interop.toString()), "-m", "pytest", "-v", "-s", "-p", "no:cacheprovider",
                "reference/tests/test_peft.py");
        assertThat(output).contains("3 passed").doesNotContain("skipped");
    }

    private static String resultOf(UUID job) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT result::text FROM job WHERE id = ?")) {
            ps.setObject(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static double epochLoss(UUID job, int epoch) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT value FROM metric WHERE job_id = ? AND split = 'train' AND name = 'epoch_loss' AND epoch = ?")) {
            ps.setObject(1, job);
            ps.setInt(2, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("epoch_loss of epoch %s", epoch).isTrue();
                return rs.getDouble(1);
            }
        }
    }

    /**
     * The tiny T5 with its Unigram tokenizer, T5's task prefixes and a 3-beam generation config, through the queue:
     * an evaluation of summaries and one of English-to-German translations (the language picking the prefix), whose
     * ROUGE and BLEU are those of the texts transformers generated for the same inputs, and a "Try it" translation.
     */
    @Test
    void evaluatesAndPredictsSummarizationAndTranslationWithATinyT5() throws Exception {
        Path t5 = io.modelcat.runner.task.TinyT5.copy(home.resolve("models/t5"), true);
        String summarize = "summarize: ";
        String toGerman = "translate English to German: ";
        List<io.modelcat.runner.task.TinyT5.Reference> documents = io.modelcat.runner.task.TinyT5.references("beam3", summarize);
        List<io.modelcat.runner.task.TinyT5.Reference> sentences = io.modelcat.runner.task.TinyT5.references("beam3", toGerman);
        List<String> summaries = List.of("good a cat", "a good movie");
        List<String> german = List.of("die Katze ist gut.", "der Hund lief zur Matte.");
        StringBuilder news = new StringBuilder();
        StringBuilder pairs = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            news.append("{\"article\": \"").append(documents.get(i).text()).append("\", \"highlights\": \"")
                    .append(summaries.get(i)).append("\"}\n");
            pairs.append("{\"en\": \"").append(sentences.get(i).text()).append("\", \"de\": \"")
                    .append(german.get(i)).append("\"}\n");
        }
        DatasetRef newsSet = jsonlDataset("news", news.toString());
        DatasetRef pairSet = jsonlDataset("pairs", pairs.toString());
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            UUID summarization = queue(runner, new EvaluateSpec(Task.SUMMARIZATION, versionId, t5.toUri().toString(),
                    newsSet, Map.of("document", "article", "summary", "highlights"), 2, 64));
            UUID translation = queue(runner, new EvaluateSpec(Task.TRANSLATION, versionId, t5.toUri().toString(),
                    pairSet, Map.of("source", "en", "target", "de"), 2, 64, "en", "de"));
            assertThat(await(summarization)).isEqualTo("succeeded");
            assertThat(await(translation)).isEqualTo("succeeded");

            List<String> summarized = documents.stream().map(io.modelcat.runner.task.TinyT5.Reference::generated).toList();
            io.modelcat.ml.metrics.RougeScores rouge = io.modelcat.ml.metrics.RougeScores.of(summarized, summaries);
            assertThat(metric(summarization, "test", "rouge1")).isCloseTo(rouge.rouge1(),
                    org.assertj.core.api.Assertions.within(1e-9)).isPositive();
            assertThat(metric(summarization, "test", "rougeL")).isCloseTo(rouge.rougeL(),
                    org.assertj.core.api.Assertions.within(1e-9));
            assertThat(metric(summarization, "test", "gen_len")).isEqualTo(9.5);
            List<String> translated = sentences.stream().map(io.modelcat.runner.task.TinyT5.Reference::generated).toList();
            assertThat(metric(translation, "test", "bleu")).isCloseTo(io.modelcat.ml.metrics.BleuScore.of(translated,
                    german.stream().map(List::of).toList()).bleu(), org.assertj.core.api.Assertions.within(1e-9));
            assertThat(metric(translation, "test", "rouge2")).isCloseTo(
                    io.modelcat.ml.metrics.RougeScores.of(translated, german).rouge2(),
                    org.assertj.core.api.Assertions.within(1e-9));
            assertThat(count("SELECT count(*) FROM prediction_sample WHERE job_id = '" + translation + "'")).isEqualTo(2);

            UUID predict = queue(runner, new io.modelcat.jobs.spec.PredictSpec(Task.TRANSLATION, t5.toUri().toString(),
                    Map.of("text", sentences.get(1).text(), "sourceLanguage", "en", "targetLanguage", "de"), null, null));
            assertThat(await(predict)).isEqualTo("succeeded");
            try (Connection c = TestDatabase.shared().dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT result::text FROM job WHERE id = ?")) {
                ps.setObject(1, predict);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(rs.getString(1))
                            .get("prediction").get("generatedText").asText()).isEqualTo(translated.get(1));
                }
            }
        }
    }

    /**
     * Fine-tunes the tiny T5 v1.1 for summarization through the queue: the loss falls, ROUGE-L is recorded on the
     * validation rows each epoch and rises on the test rows over the base model's, and the output is a Hugging Face
     * folder (config, safetensors, tokenizer files) that loads back and generates.
     */
    @Test
    void fineTunesSummarizationOnATinyT5AndRougeRises() throws Exception {
        Path t5 = Fixtures.copyModel("t5-v1_1", home.resolve("models/t5-v1_1"));
        DatasetRef news = jsonlDataset("first-words", Seq2SeqData.firstWords(120, 17));
        Map<String, String> mapping = Map.of("document", "article", "summary", "highlights");
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            UUID evaluation = queue(runner, new EvaluateSpec(Task.SUMMARIZATION, versionId, t5.toUri().toString(), news,
                    mapping, 16, 32));
            assertThat(await(evaluation)).isEqualTo("succeeded");
            double baseRouge = metric(evaluation, "test", "rougeL");

            List<SpecError> errors = new ArrayList<>();
            Hyperparameters hyperparameters = Hyperparameters.resolve(
                    new Hyperparameters.Input(6, 8, 1e-2, null, 0.1, null, 3L, 32, null), errors);
            assertThat(errors).isEmpty();
            UUID finetune = queue(runner, new FinetuneSpec(Task.SUMMARIZATION, versionId, t5.toUri().toString(),
                    news, null, null, mapping, hyperparameters));
            assertThat(await(finetune)).isEqualTo("succeeded");
            double tunedRouge = metric(finetune, "test", "rougeL");
            assertThat(tunedRouge).as("base %s, tuned %s", baseRouge, tunedRouge).isGreaterThan(baseRouge + 0.3);
            assertThat(metric(finetune, "test", "bleu")).isBetween(0.0, 1.0);
            assertThat(epochLoss(finetune, 6)).isLessThan(epochLoss(finetune, 1) * 0.6);
            assertThat(count("SELECT count(DISTINCT epoch) FROM metric WHERE job_id = '" + finetune
                    + "' AND split = 'validation' AND name = 'rougeL'")).isEqualTo(6);
            assertThat(count("SELECT count(*) FROM prediction_sample WHERE job_id = '" + finetune + "'")).isPositive();

            Path output = home.resolve("models/finetuned/" + finetune);
            for (String file : new String[] {"config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json", "generation_config.json"}) {
                assertThat(output.resolve(file)).as(file).isRegularFile();
            }
            assertThat(output.resolve("state.json")).doesNotExist();
            try (TextToTextModel tuned = TextToTextModel.load(output, ai.djl.Device.cpu())) {
                String generated = tuned.generate(List.of("dog good mat cat sat ran"), tuned.modelDefaults(), 1, 32)
                        .get(0).text();
                assertThat(generated.split(" ")).as(generated).isNotEmpty().allMatch(Seq2SeqData.WORDS::contains);
            }
        }
    }

    /**
     * A translation fine-tune of the tiny T5 with T5's task prefixes (the languages pick English to German) that a
     * runner left after two epochs: another attempt continues from the checkpoint to the sixth, and BLEU, recorded on
     * the validation rows of every epoch, ends above the base model's.
     */
    @Test
    void aTranslationFineTuneContinuesFromItsCheckpointAndBleuRises() throws Exception {
        Path t5 = io.modelcat.runner.task.TinyT5.copy(home.resolve("models/t5"), false);
        DatasetRef pairs = jsonlDataset("swapped", Seq2SeqData.swappedWords(120, 23));
        Map<String, String> mapping = Map.of("source", "en", "target", "de");
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            UUID evaluation = queue(runner, new EvaluateSpec(Task.TRANSLATION, versionId, t5.toUri().toString(), pairs,
                    mapping, 16, 32, "en", "de"));
            assertThat(await(evaluation)).isEqualTo("succeeded");
            double baseBleu = metric(evaluation, "test", "bleu");

            List<SpecError> errors = new ArrayList<>();
            UUID first = queue(runner, new FinetuneSpec(Task.TRANSLATION, versionId, t5.toUri().toString(), pairs, null,
                    null, mapping, Hyperparameters.resolve(new Hyperparameters.Input(2, 8, 1e-2, null, 0.1, null, 3L, 32,
                            null), errors), "en", "de"));
            assertThat(await(first)).isEqualTo("succeeded");
            assertThat(errors).isEmpty();

            // The second job finds what the first left in its work directory, as a retried attempt would.
            UUID second = UUID.randomUUID();
            Path left = home.resolve("work/" + first + "/checkpoint");
            Path resumed = home.resolve("work/" + second + "/checkpoint");
            Files.createDirectories(resumed);
            try (var files = Files.list(left)) {
                for (Path file : files.toList()) {
                    Files.copy(file, resumed.resolve(file.getFileName()));
                }
            }
            FinetuneSpec spec = new FinetuneSpec(Task.TRANSLATION, versionId, t5.toUri().toString(), pairs, null, null,
                    mapping, Hyperparameters.resolve(new Hyperparameters.Input(6, 8, 1e-2, null, 0.1, null, 3L, 32, null),
                    errors), "en", "de");
            queue(runner, second, spec);
            assertThat(await(second)).isEqualTo("succeeded");
            assertThat(count("SELECT count(*) FROM job_log WHERE job_id = '" + second
                    + "' AND message LIKE 'Continuing from the checkpoint of epoch 2%'")).isEqualTo(1);
            assertThat(count("SELECT count(DISTINCT epoch) FROM metric WHERE job_id = '" + second
                    + "' AND split = 'validation' AND name = 'bleu' AND epoch > 2")).isEqualTo(4);
            assertThat(count("SELECT count(*) FROM metric WHERE job_id = '" + second
                    + "' AND split = 'validation' AND epoch <= 2")).isZero();
            double tunedBleu = metric(second, "test", "bleu");
            assertThat(tunedBleu).as("base %s, tuned %s", baseBleu, tunedBleu).isGreaterThan(baseBleu + 0.2);
        }
    }

    /**
     * The tiny Marian as opus-mt ships it (source.spm, target.spm, vocab.json, no tokenizer.json): evaluated, fine-tuned
     * on a made-up translation (targets segmented by target.spm) until BLEU rises, saved with its SentencePiece
     * files, and the tuned folder translates a "Try it" text.
     */
    @Test
    void fineTunesTranslationOnATinyMarianWithItsSentencePieceFilesAndBleuRises() throws Exception {
        Path marian = Fixtures.copyModel("marian", home.resolve("models/marian"));
        assertThat(marian.resolve("tokenizer.json")).doesNotExist();
        DatasetRef pairs = jsonlDataset("where-the-first-sat", Seq2SeqData.whereTheFirstSat(120, 29));
        Map<String, String> mapping = Map.of("source", "en", "target", "de");
        Map<String, Object> properties = new HashMap<>(Map.of("modelcat.home", home.toString()));
        try (EmbeddedServer runner = RunnerContexts.start(properties)) {
            UUID evaluation = queue(runner, new EvaluateSpec(Task.TRANSLATION, versionId, marian.toUri().toString(),
                    pairs, mapping, 16, 32));
            assertThat(await(evaluation)).isEqualTo("succeeded");
            double baseBleu = metric(evaluation, "test", "bleu");

            List<SpecError> errors = new ArrayList<>();
            UUID finetune = queue(runner, new FinetuneSpec(Task.TRANSLATION, versionId, marian.toUri().toString(),
                    pairs, null, null, mapping, Hyperparameters.resolve(
                            new Hyperparameters.Input(6, 8, 1e-2, null, 0.1, null, 3L, 32, null), errors)));
            assertThat(errors).isEmpty();
            assertThat(await(finetune)).isEqualTo("succeeded");
            double tunedBleu = metric(finetune, "test", "bleu");
            assertThat(tunedBleu).as("base %s, tuned %s", baseBleu, tunedBleu).isGreaterThan(baseBleu + 0.2);
            assertThat(count("SELECT count(DISTINCT epoch) FROM metric WHERE job_id = '" + finetune
                    + "' AND split = 'validation' AND name = 'bleu'")).isEqualTo(6);

            Path output = home.resolve("models/finetuned/" + finetune);
            for (String file : new String[] {"config.json", "model.safetensors", "source.spm", "target.spm",
                "vocab.json", "tokenizer_config.json", "generation_config.json"}) {
                assertThat(output.resolve(file)).as(file).isRegularFile();
            }
            assertThat(output.resolve("source.spm")).hasSameBinaryContentAs(marian.resolve("source.spm"));
            UUID predict = queue(runner, new io.modelcat.jobs.spec.PredictSpec(Task.TRANSLATION,
                    output.toUri().toString(), Map.of("text", "good cat bad dog mat"), null, null));
            assertThat(await(predict)).isEqualTo("succeeded");
            try (Connection c = TestDatabase.shared().dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT result::text FROM job WHERE id = ?")) {
                ps.setObject(1, predict);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String translated = new com.fasterxml.jackson.databind.ObjectMapper().readTree(rs.getString(1))
                            .get("prediction").get("generatedText").asText();
                    List<String> german = new ArrayList<>(Seq2SeqData.ENGLISH_TO_GERMAN.values());
                    german.addAll(List.of("sass", "auf", "der", "matte"));
                    assertThat(translated).endsWith("sass auf der matte");
                    assertThat(translated.split(" ")).as(translated).allMatch(german::contains);
                }
            }
        }
    }

    private DatasetRef jsonlDataset(String name, String jsonl) throws Exception {
        UUID id = UUID.randomUUID();
        Files.writeString(home.resolve("datasets/" + name + ".jsonl"), jsonl);
        sql("INSERT INTO dataset (id, name, format, size_bytes, sha256, row_count, columns, preview, storage_path) VALUES ('"
                + id + "', '" + name + "', 'jsonl', 1, '" + "0".repeat(64) + "', 2, '[]', '[]', '" + name + ".jsonl')");
        return new DatasetRef(id, name + ".jsonl", DatasetFormat.JSONL);
    }

    private String await(UUID job) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = TestDatabase.shared().dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT state, error FROM job WHERE id = ?")) {
                ps.setObject(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    String state = rs.getString(1);
                    if (state.equals("failed")) {
                        throw new AssertionError("job failed: " + rs.getString(2));
                    }
                    if (state.equals("succeeded") || state.equals("cancelled")) {
                        return state;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + job + " did not finish");
    }

    private static double metric(UUID job, String split, String name) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT value FROM metric WHERE job_id = ? AND split = ? AND name = ? AND step IS NULL AND epoch IS NULL")) {
            ps.setObject(1, job);
            ps.setString(2, split);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("metric " + name + " of " + job).isTrue();
                return rs.getDouble(1);
            }
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sql(String statement) throws SQLException {
        TestDatabase.shared().executeHere(statement);
    }
}
