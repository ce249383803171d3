package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.Seq2SeqData;
import io.modelcat.testsupport.hub.FakeHub;
import io.modelcat.testsupport.hub.FakeRepoOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    @Test
    void aTinyT5FineTunedForSummarizationSummarizesBetterOnceRegistered() {
        Outcome outcome = fineTuneRegisterAndTry(new Case("hf-tiny/t5-v1_1", "t5-v1_1", "summarization",
                "first-words", Seq2SeqData.firstWords(120, 17), Seq2SeqData.firstWords(30, 18),
                Map.of("document", "article", "summary", "highlights"), "rougeL", "dog good mat cat sat ran"));
        List<Double> losses = outcome.series().stream().filter(m -> "train".equals(m.get("split"))
                && "loss".equals(m.get("name"))).map(m -> ((Number) m.get("value")).doubleValue()).toList();
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
        assertThat(outcome.tried().split(" ")).as(outcome.tried()).isNotEmpty().allMatch(Seq2SeqData.WORDS::contains);
    }

    @Test
    void aTinyMarianWithItsSentencePieceFilesFineTunedForTranslationTranslatesBetterOnceRegistered() {
        Outcome outcome = fineTuneRegisterAndTry(new Case("hf-tiny/opus-mt-en-de", "marian", "translation",
                "where-the-first-sat", Seq2SeqData.whereTheFirstSat(120, 29), Seq2SeqData.whereTheFirstSat(30, 30),
                Map.of("source", "en", "target", "de"), "bleu", "good cat bad dog mat"));
        assertThat(outcome.tried()).endsWith("sass auf der matte");
    }

    /** A tiny model on the fake Hub, its task, a made-up set to learn (train and held-out rows) and how to check. */
    private record Case(String repo, String fixture, String task, String data, String train, String test,
                        Map<String, Object> mapping, String metric, String tryText) {
    }

    /** What "Try it" answered the registered fine-tune, and the fine-tune's metric series. */
    private record Outcome(String tried, List<Map<String, Object>> series) {
    }

    /**
     * Imports the case's model, evaluates it on the held-out rows, fine-tunes it (the metric recorded on validation
     * rows), registers the output, evaluates that better than the base, and asks it "Try it".
     */
    private static Outcome fineTuneRegisterAndTry(Case c) {
        try (FakeHub hub = FakeHub.start();
             RunningSystem system = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString()))) {
            hub.addRepo(c.repo(), Fixtures.model(c.fixture()), FakeRepoOptions.defaults().withPipelineTag(c.task()));
            system.addRunner("trainer", Map.of());
            String base = system.importModel(c.repo(), JOB_TIMEOUT);
            assertThat(system.get("/api/v1/models/" + base).map().get("finetuningTasks"))
                    .isEqualTo(List.of("summarization", "translation"));
            String train = upload(system, c.data() + "-train", c.train());
            String test = upload(system, c.data() + "-test", c.test());

            Map<String, Object> before = run(system, "/api/v1/evaluations", Map.of("modelId", base, "datasetId", test,
                    "task", c.task(), "mapping", c.mapping()));
            Map<String, Object> finetune = run(system, "/api/v1/finetunes", Map.of("modelId", base,
                    "task", c.task(), "trainDatasetId", train, "mapping", c.mapping(),
                    "hyperparameters", Map.of("epochs", 6, "batchSize", 8, "learningRate", 1e-2, "warmupRatio", 0.1,
                            "seed", 3, "maxSequenceLength", 32, "earlyStoppingPatience", 3)));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> series = (List<Map<String, Object>>) system.get("/api/v1/jobs/"
                    + finetune.get("id") + "/metrics").map().get("series");
            assertThat(series.stream().filter(m -> "validation".equals(m.get("split")) && c.metric().equals(m.get("name")))
                    .map(m -> m.get("epoch")).distinct().count()).isPositive();

            RunningSystem.Answer registered = system.post("/api/v1/jobs/" + finetune.get("id") + "/register",
                    Map.of("name", "tiny-" + c.fixture() + "-" + c.data()));
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            String tuned = (String) registered.map().get("id");
            assertThat(registered.map()).containsEntry("task", c.task());
            Map<String, Object> after = run(system, "/api/v1/evaluations", Map.of("modelId", tuned, "datasetId", test,
                    "task", c.task(), "mapping", c.mapping()));
            assertThat(metric(after, c.metric())).as("tuned %s, base %s", metric(after, c.metric()),
                    metric(before, c.metric())).isGreaterThan(metric(before, c.metric()) + 0.2);

            RunningSystem.Answer tried = system.post("/api/v1/models/" + tuned + "/predict", Map.of("text", c.tryText()));
            assertThat(tried.status()).as(tried.body()).isEqualTo(200);
            return new Outcome((String) ((Map<?, ?>) ((Map<?, ?>) tried.map().get("result")).get("prediction"))
                    .get("generatedText"), series);
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
