package io.modelcat.catalog.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.testsupport.BrowserTests;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser tests in {@code ui-tests/} (Node, playwright-core, the system's headless Chromium)
 * against this service, with the five cards and the jobs they expect. Skips visibly when Chromium or the Node
 * packages are missing.
 */
@MicronautTest(transactional = false)
class CatalogUiTest extends CatalogTestBase {


    @Inject
    EmbeddedServer server;

    @Test
    void browserTestsPass() throws IOException, InterruptedException {
        Path uiTests = BrowserTests.prepare();
        createCards();
        createJobs();
        BrowserTests.run(uiTests, "tests/", server.getURI().toString(), Path.of("target", "ui-screenshots"), Map.of());
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

                        ```
                        classify("I love it") # <b>not bold</b>
                        ```

                        Read [the docs](https://example.com/docs?a=1&b=2) or [click me](javascript:window.xssRan=true).

                        <script>window.xssRan = true; alert("xss")</script>
                        <img src=x onerror="window.xssRan = true">
                        """);
        alpha.put("samples", List.of(Map.of("text", "I love this!")));
        alpha.put("source", Map.of("type", "huggingface", "repo", "acme/alpha-sentiment", "revision", "main"));
        String alphaId = (String) create(alpha).get("id");
        Map<String, Object> v1 = addVersion(alphaId, Map.of("sourceRevision", "main", "artifactUri", "file:///models/alpha/1"));
        addVersion(alphaId, Map.of("artifactUri", "file:///models/alpha/2", "parentVersionId", v1.get("id"),
                "lineage", Map.of("dataset", "imdb"), "notes", "fine-tuned on reviews"));

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
