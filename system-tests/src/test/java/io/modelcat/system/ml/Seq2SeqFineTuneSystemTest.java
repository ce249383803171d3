package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import io.modelcat.testsupport.hub.FakeRepoOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Summarization and translation end to end on the deployed system: a tiny T5 v1.1 imported from a local Hub lists
 * summarization and translation as its fine-tuning tasks; it is evaluated, fine-tuned on a synthetic set (a "document"
 * of six words whose summary is its first two), registered, and the registered version evaluates better than the base
 * on held-out rows and answers "Try it". The same for translation with a tiny Marian as opus-mt repositories are laid
 * out (SentencePiece source.spm / target.spm and vocab.json, no tokenizer.json).
 */
class Seq2SeqFineTuneSystemTest {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);
    private static final String[] WORDS = {"cat", "dog", "mat", "sat", "good", "ran", "bad"};

    /** JSONL rows of six of the tiny tokenizer's words ({@code article}) and their first two ({@code highlights}). */
    static String firstWords(int rows, long seed) {
        Random random = new Random(seed);
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            List<String> words = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                words.add(WORDS[random.nextInt(WORDS.length)]);
            }
            jsonl.append("{\"article\": \"").append(String.join(" ", words)).append("\", \"highlights\": \"")
                    .append(String.join(" ", words.subList(0, 2))).append("\"}\n");
        }
        return jsonl.toString();
    }

    @Test
    void aTinyT5FineTunedForSummarizationSummarizesBetterOnceRegistered() {
        try (FakeHub hub = FakeHub.start();
             RunningSystem system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()))) {
            hub.addRepo("hf-tiny/t5-v1_1", Fixtures.model("t5-v1_1"),
                    FakeRepoOptions.defaults().withPipelineTag("summarization"));
            system.addRunner("trainer", Map.of());
            String base = system.importModel("hf-tiny/t5-v1_1", JOB_TIMEOUT);
            assertThat(system.get("/api/v1/models/" + base).map().get("finetuningTasks"))
                    .isEqualTo(List.of("summarization", "translation"));
            String train = upload(system, "first-words-train", firstWords(120, 17));
            String test = upload(system, "first-words-test", firstWords(30, 18));
            Map<String, Object> mapping = Map.of("document", "article", "summary", "highlights");

            Map<String, Object> before = run(system, "/api/v1/evaluations", Map.of("modelId", base, "datasetId", test,
                    "task", "summarization", "mapping", mapping));
            Map<String, Object> finetune = run(system, "/api/v1/finetunes", Map.of("modelId", base,
                    "task", "summarization", "trainDatasetId", train, "mapping", mapping,
                    "hyperparameters", Map.of("epochs", 6, "batchSize", 8, "learningRate", 1e-2, "warmupRatio", 0.1,
                            "seed", 3, "maxSequenceLength", 32, "earlyStoppingPatience", 3)));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> series = (List<Map<String, Object>>) system.get("/api/v1/jobs/"
                    + finetune.get("id") + "/metrics").map().get("series");
            assertThat(series.stream().filter(m -> "validation".equals(m.get("split")) && "rougeL".equals(m.get("name")))
                    .map(m -> m.get("epoch")).distinct().count()).isPositive();
            List<Double> losses = series.stream().filter(m -> "train".equals(m.get("split"))
                    && "loss".equals(m.get("name"))).map(m -> ((Number) m.get("value")).doubleValue()).toList();
            assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));

            RunningSystem.Answer registered = system.post("/api/v1/jobs/" + finetune.get("id") + "/register",
                    Map.of("name", "tiny-t5-first-words"));
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            String tuned = (String) registered.map().get("id");
            assertThat(registered.map()).containsEntry("task", "summarization");
            Map<String, Object> after = run(system, "/api/v1/evaluations", Map.of("modelId", tuned, "datasetId", test,
                    "task", "summarization", "mapping", mapping));
            assertThat(metric(after, "rougeL")).as("tuned %s, base %s", metric(after, "rougeL"), metric(before, "rougeL"))
                    .isGreaterThan(metric(before, "rougeL") + 0.2);

            RunningSystem.Answer tried = system.post("/api/v1/models/" + tuned + "/predict",
                    Map.of("text", "dog good mat cat sat ran"));
            assertThat(tried.status()).as(tried.body()).isEqualTo(200);
            String summary = (String) ((Map<?, ?>) ((Map<?, ?>) tried.map().get("result")).get("prediction"))
                    .get("generatedText");
            assertThat(summary.split(" ")).as(summary).isNotEmpty().allMatch(List.of(WORDS)::contains);
        }
    }

    private static final Map<String, String> ENGLISH_TO_GERMAN = Map.of("cat", "katze", "dog", "hund", "mat", "matte",
            "good", "gut", "bad", "schlecht");

    /**
     * JSONL rows of five of the tiny Marian's English words ({@code en}) and a made-up German saying where the first sat
     * ({@code de}): its German word, then "sass auf der matte".
     */
    static String whereTheFirstSat(int rows, long seed) {
        List<String> english = List.copyOf(new java.util.TreeSet<>(ENGLISH_TO_GERMAN.keySet()));
        Random random = new Random(seed);
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            List<String> words = new ArrayList<>();
            for (int w = 0; w < 5; w++) {
                words.add(english.get(random.nextInt(english.size())));
            }
            jsonl.append("{\"en\": \"").append(String.join(" ", words)).append("\", \"de\": \"")
                    .append(ENGLISH_TO_GERMAN.get(words.get(0))).append(" sass auf der matte\"}\n");
        }
        return jsonl.toString();
    }

    @Test
    void aTinyMarianWithItsSentencePieceFilesFineTunedForTranslationTranslatesBetterOnceRegistered() {
        try (FakeHub hub = FakeHub.start();
             RunningSystem system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()))) {
            hub.addRepo("hf-tiny/opus-mt-en-de", Fixtures.model("marian"),
                    FakeRepoOptions.defaults().withPipelineTag("translation"));
            system.addRunner("trainer", Map.of());
            String base = system.importModel("hf-tiny/opus-mt-en-de", JOB_TIMEOUT);
            assertThat(system.get("/api/v1/models/" + base).map().get("finetuningTasks"))
                    .isEqualTo(List.of("summarization", "translation"));
            String train = upload(system, "where-the-first-sat-train", whereTheFirstSat(120, 29));
            String test = upload(system, "where-the-first-sat-test", whereTheFirstSat(30, 30));
            Map<String, Object> mapping = Map.of("source", "en", "target", "de");

            Map<String, Object> before = run(system, "/api/v1/evaluations", Map.of("modelId", base, "datasetId", test,
                    "task", "translation", "mapping", mapping));
            Map<String, Object> finetune = run(system, "/api/v1/finetunes", Map.of("modelId", base,
                    "task", "translation", "trainDatasetId", train, "mapping", mapping,
                    "hyperparameters", Map.of("epochs", 6, "batchSize", 8, "learningRate", 1e-2, "warmupRatio", 0.1,
                            "seed", 3, "maxSequenceLength", 32, "earlyStoppingPatience", 3)));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> series = (List<Map<String, Object>>) system.get("/api/v1/jobs/"
                    + finetune.get("id") + "/metrics").map().get("series");
            assertThat(series.stream().filter(m -> "validation".equals(m.get("split")) && "bleu".equals(m.get("name")))
                    .map(m -> m.get("epoch")).distinct().count()).isPositive();

            RunningSystem.Answer registered = system.post("/api/v1/jobs/" + finetune.get("id") + "/register",
                    Map.of("name", "tiny-marian-where-the-first-sat"));
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            String tuned = (String) registered.map().get("id");
            Map<String, Object> after = run(system, "/api/v1/evaluations", Map.of("modelId", tuned, "datasetId", test,
                    "task", "translation", "mapping", mapping));
            assertThat(metric(after, "bleu")).as("tuned %s, base %s", metric(after, "bleu"), metric(before, "bleu"))
                    .isGreaterThan(metric(before, "bleu") + 0.2);

            RunningSystem.Answer tried = system.post("/api/v1/models/" + tuned + "/predict",
                    Map.of("text", "good cat bad dog mat"));
            assertThat(tried.status()).as(tried.body()).isEqualTo(200);
            String translated = (String) ((Map<?, ?>) ((Map<?, ?>) tried.map().get("result")).get("prediction"))
                    .get("generatedText");
            assertThat(translated).endsWith("sass auf der matte");
        }
    }

    private static String upload(RunningSystem system, String name, String jsonl) {
        RunningSystem.Answer answer = system.upload("/api/v1/datasets?name=" + name, "application/x-ndjson", jsonl);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return (String) answer.map().get("id");
    }

    private static Map<String, Object> run(RunningSystem system, String path, Map<String, Object> body) {
        RunningSystem.Answer answer = system.post(path, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        Map<String, Object> done = system.awaitJob(answer.map().get("id"), JOB_TIMEOUT, "succeeded", "failed", "cancelled");
        assertThat(done).as(done.toString()).containsEntry("state", "succeeded");
        return done;
    }

    @SuppressWarnings("unchecked")
    private static double metric(Map<String, Object> job, String name) {
        return ((Number) ((Map<String, Object>) ((Map<String, Object>) job.get("result")).get("metrics")).get(name))
                .doubleValue();
    }
}
