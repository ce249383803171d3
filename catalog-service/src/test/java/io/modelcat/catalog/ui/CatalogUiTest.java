package io.modelcat.catalog.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.testsupport.BrowserTests;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.ModelArchives;
import io.modelcat.testsupport.TestDatabase;
import io.modelcat.testsupport.llm.FakeLlmProvider;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser tests in {@code ui-tests/} (Node, playwright-core, the system's headless Chromium)
 * against this service, with the five cards and the jobs they expect; then those of {@code ui-tests/ml/}
 * (evaluate, fine-tune, compare, job metrics, prompt flows and bulk tests), which add jobs and datasets and so run
 * second; the flows' LLM connection calls a local fake provider. Skips visibly when Chromium or the Node packages are
 * missing.
 */
@MicronautTest(transactional = false)
class CatalogUiTest extends CatalogTestBase {


    /** The succeeded batch-score job of ui-nightly (made by ui-tests/tests/batch-endpoints.test.js) that ml/batch.test.js downloads. */
    static final String BATCH_JOB_ID = "00000000-0000-4000-8000-0000000000b1";

    /** The succeeded fine-tune job that ui-tests/ml/ml.test.js shows with its metrics and predictions. */
    static final String FINETUNE_JOB_ID = "00000000-0000-4000-8000-0000000000f1";

    /** The password of the accounts the browser tests sign in with. */
    static final String UI_PASSWORD = "browser tests password";

    @Inject
    EmbeddedServer server;

    /** The LLM provider that ui-tests/ml/flows.test.js connects the mesh to: it answers "echo: " and the last message. */
    private final FakeLlmProvider llmProvider = FakeLlmProvider.start();

    private String alphaId;
    private String alphaV2Id;

    @Test
    void browserTestsPass() throws IOException, InterruptedException {
        Path uiTests = BrowserTests.prepare();
        Map<String, String> accounts = createAccounts();
        createCards();
        createJobs();
        BrowserTests.run(uiTests, "tests/", server.getURI().toString(), Path.of("target", "ui-screenshots"), accounts);

        createFinishedFinetune();
        createFinishedBatchJob();
        Map<String, String> ml = new java.util.HashMap<>(accounts);
        ml.put("MODELCAT_UI_MODEL_ID", alphaId);
        ml.put("MODELCAT_UI_FINETUNE_JOB_ID", FINETUNE_JOB_ID);
        Path archive = Files.createDirectories(home.resolve("ui-upload")).resolve("tiny-bert.zip");
        Files.write(archive, ModelArchives.aModelArchive().from(Fixtures.model("bert"))
                .withReadme("---\nlicense: mit\n---\n# Tiny BERT\n").inFolder("tiny-bert").zip());
        ml.put("MODELCAT_UI_MODEL_ARCHIVE", archive.toString());
        // The same model as a folder, for the dialog's folder choice (sent as a tar the browser makes).
        Path folder = Files.createDirectories(home.resolve("ui-upload").resolve("tiny-bert-folder"));
        try (var files = Files.list(Fixtures.model("bert"))) {
            for (Path file : files.toList()) {
                Files.copy(file, folder.resolve(file.getFileName()));
            }
        }
        Files.writeString(folder.resolve("README.md"), "---\nlicense: mit\n---\n# Tiny BERT from a folder\n");
        Files.createDirectories(folder.resolve(".git"));
        Files.writeString(folder.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        ml.put("MODELCAT_UI_MODEL_FOLDER", folder.toString());
        ml.put("MODELCAT_UI_LLM_URL", llmProvider.baseUrl());
        BrowserTests.run(uiTests, "ml/", server.getURI().toString(), Path.of("target", "ui-screenshots"), ml);
    }

    @AfterAll
    void stopLlmProvider() {
        llmProvider.close();
    }

    /** An admin and a viewer who sign in with passwords, as the browser tests do; their credentials as variables. */
    private Map<String, String> createAccounts() {
        for (String[] account : List.of(new String[] {"ui-admin", "admin"}, new String[] {"ui-viewer", "viewer"})) {
            ApiClient.Answer created = api.post("/api/v1/users", Map.of("username", account[0], "role", account[1],
                    "password", UI_PASSWORD, "displayName", "UI " + account[1]));
            assertThat(created.status()).as(created.toString()).isIn(201, 409);
        }
        return Map.of("MODELCAT_UI_USERNAME", "ui-admin", "MODELCAT_UI_PASSWORD", UI_PASSWORD,
                "MODELCAT_UI_VIEWER_USERNAME", "ui-viewer", "MODELCAT_UI_VIEWER_PASSWORD", UI_PASSWORD);
    }

    /**
     * A fine-tune of alpha-sentiment v2 that has succeeded, with what a runner records: a loss per step,
     * validation accuracy per epoch, final test metrics and three sample predictions.
     */
    /** A batch-score job of ui-nightly that has succeeded, with the outputs a runner leaves. */
    private void createFinishedBatchJob() throws IOException {
        Path outputs = Files.createDirectories(home.resolve("batch-outputs").resolve(BATCH_JOB_ID));
        Files.writeString(outputs.resolve("predictions.csv"), "0,positive,ui-batch-reviews.csv\n2,negative,ui-batch-reviews.csv\n");
        Files.writeString(outputs.resolve("predictions.jsonl"), "{\"row_number_per_file\":0,\"prediction\":\"positive\"}\n");
        TestDatabase.shared().executeHere("INSERT INTO job (id, kind, state, model_id, params, result, progress, progress_detail, "
                + "attempt, started_at, finished_at) VALUES ('" + BATCH_JOB_ID + "', 'batch-score', 'succeeded', '" + alphaId
                + "', '{\"task\": \"text-classification\"}', '{\"rows\": 3, \"scored\": 2, \"badRows\": 1, \"miniBatches\": 1, "
                + "\"resumedMiniBatches\": 0, \"outputUri\": \"" + outputs.toUri() + "\"}', 1, "
                + "'{\"miniBatchesDone\": 1, \"miniBatches\": 1, \"badRows\": 1}', 1, now() - interval '1 minute', now())");
        TestDatabase.shared().executeHere("INSERT INTO batch_job (job_id, endpoint_id, deployment_name, created_at) SELECT '"
                + BATCH_JOB_ID + "', id, 'blue', now() - interval '1 minute' FROM batch_endpoint WHERE name = 'ui-nightly'");
    }

    private void createFinishedFinetune() throws IOException, InterruptedException {
        ApiClient.Answer upload = api.upload("/api/v1/datasets?name=held-out-reviews", "text/csv",
                "sentence1,label\nGood,positive\nBad,negative\n".getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
        assertThat(upload.status()).as(upload.toString()).isEqualTo(201);
        String datasetId = (String) upload.map().get("id");
        TestDatabase.shared().executeHere("INSERT INTO job (id, kind, state, model_id, model_version_id, params, result, "
                + "progress, attempt, started_at, finished_at) VALUES ('" + FINETUNE_JOB_ID + "', 'finetune', 'succeeded', '"
                + alphaId + "', '" + alphaV2Id + "', '{\"task\": \"text-classification\", \"modelVersionId\": \"" + alphaV2Id + "\", "
                + "\"hyperparameters\": {\"epochs\": 2}}', "
                + "'{\"outputUri\": \"file:///models/alpha/finetuned\"}', 1, 1, now() - interval '5 minutes', now())");
        TestDatabase.shared().executeHere("INSERT INTO job_dataset (job_id, role, dataset_id) VALUES ('" + FINETUNE_JOB_ID
                + "', 'test', '" + datasetId + "')");
        StringBuilder metrics = new StringBuilder("INSERT INTO metric (job_id, model_id, model_version_id, task, split, name, "
                + "value, step, epoch, dataset_id) VALUES ");
        double[] losses = {0.69, 0.61, 0.52, 0.47, 0.40, 0.36, 0.31, 0.29};
        for (int step = 1; step <= losses.length; step++) {
            metrics.append(row(datasetId, "train", "loss", losses[step - 1], String.valueOf(step), String.valueOf((step + 3) / 4))).append(", ");
        }
        metrics.append(row(datasetId, "validation", "accuracy", 0.71, "NULL", "1")).append(", ")
                .append(row(datasetId, "validation", "accuracy", 0.84, "NULL", "2")).append(", ")
                .append(row(datasetId, "validation", "f1_macro", 0.69, "NULL", "1")).append(", ")
                .append(row(datasetId, "validation", "f1_macro", 0.82, "NULL", "2")).append(", ")
                .append(row(datasetId, "test", "accuracy", 0.8512, "NULL", "NULL")).append(", ")
                .append(row(datasetId, "test", "f1_macro", 0.8333, "NULL", "NULL"));
        TestDatabase.shared().executeHere(metrics.toString());
        TestDatabase.shared().executeHere("INSERT INTO prediction_sample (job_id, row_index, input, expected, predicted) VALUES "
                + "('" + FINETUNE_JOB_ID + "', 0, '{\"sentence1\": \"Great <b>phone</b>\"}', '\"positive\"', '\"positive\"'), "
                + "('" + FINETUNE_JOB_ID + "', 1, '{\"sentence1\": \"Broke after a day\"}', '\"negative\"', '{\"label\": \"negative\", \"score\": 0.91}'), "
                + "('" + FINETUNE_JOB_ID + "', 2, '{\"sentence1\": \"It is fine, I guess\"}', '\"positive\"', '\"negative\"')");
    }

    private String row(String datasetId, String split, String name, double value, String step, String epoch) {
        return "('" + FINETUNE_JOB_ID + "', '" + alphaId + "', '" + alphaV2Id + "', 'text-classification', '" + split + "', '"
                + name + "', " + value + ", " + step + ", " + epoch + ", '" + datasetId + "')";
    }

    /** The cards ui-tests/tests/catalog.test.js expects, created in this order (it checks the createdAt sort). */
    private void createCards() {
        Map<String, Object> alpha = card("alpha-sentiment", "text-classification", "apache-2.0",
                List.of("text-classification"), List.of("english", "sentiment"), """
                        A sentiment classifier for **English** product reviews.

                        ### Overview

                        It tells **sentiment** apart in *English* text:

                        - positive
                        - negative

                        | Split | Accuracy |
                        |:------|---------:|
                        | test | 0.91 |
                        | <b>dev</b> | 0.88 |

                        ```
                        classify("I love it") # <b>not bold</b>
                        ```

                        Read [the docs](https://example.com/docs?a=1&b=2) or [click me](javascript:window.xssRan=true).

                        <script>window.xssRan = true; alert("xss")</script>
                        <img src=x onerror="window.xssRan = true">
                        """);
        alpha.put("samples", List.of(Map.of("text", "I love this!")));
        alpha.put("source", Map.of("type", "huggingface", "repo", "acme/alpha-sentiment", "revision", "main"));
        alphaId = (String) create(alpha).get("id");
        Map<String, Object> v1 = addVersion(alphaId, Map.of("sourceRevision", "main", "artifactUri", "file:///models/alpha/1"));
        alphaV2Id = (String) addVersion(alphaId, Map.of("artifactUri", "file:///models/alpha/2", "parentVersionId", v1.get("id"),
                "lineage", Map.of("dataset", "imdb"), "notes", "fine-tuned on reviews")).get("id");

        create(card("beta-ner", "token-classification", "mit", List.of("token-classification"), List.of("german"),
                "Finds people and places in German text."));
        Map<String, Object> gamma = card("gamma-qa", "question-answering", "apache-2.0", List.of("question-answering"),
                List.of("english"), "Answers questions about a context.");
        gamma.put("samples", List.of(Map.of("question", "Where is the tower?", "context", "The tower is in Paris.")));
        create(gamma);
        create(card("delta-writer", "text-generation", "mit", List.of("text-generation"), List.of("english", "chat"),
                "Writes short stories."));
        create(card("epsilon-summary", "summarization", "cc-by-4.0", List.of(), List.of(), "Summarizes news."));
    }

    /**
     * The jobs ui-tests/tests/jobs.test.js expects: 22 noop jobs (more than a page), the first cancelled.
     * No runner is started, so the others stay queued.
     */
    private void createJobs() {
        for (int n = 1; n <= 22; n++) {
            ApiClient.Answer answer = api.post("/api/v1/jobs", Map.of("kind", "noop", "params", Map.of("n", n)));
            assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
            if (n == 1) {
                ApiClient.Answer cancelled = api.post("/api/v1/jobs/" + answer.map().get("id") + "/cancel", Map.of());
                assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
            }
        }
    }

    private static Map<String, Object> card(String name, String task, String license, List<String> finetuningTasks,
                                            List<String> tags, String description) {
        Map<String, Object> body = aModel(name);
        body.put("task", task);
        body.put("license", license);
        body.put("finetuningTasks", finetuningTasks);
        body.put("tags", tags);
        body.put("description", description);
        return body;
    }

    private Map<String, Object> addVersion(String modelId, Map<String, Object> body) {
        ApiClient.Answer answer = api.post("/api/v1/models/" + modelId + "/versions", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        return answer.map();
    }

}
