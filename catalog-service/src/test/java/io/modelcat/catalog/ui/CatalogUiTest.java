package io.modelcat.catalog.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the browser tests in {@code ui-tests/} (Node, playwright-core, the system's headless Chromium)
 * against this service, with the five cards they expect. Skips visibly when Chromium or the Node
 * packages are missing.
 */
@MicronautTest(transactional = false)
class CatalogUiTest extends CatalogTestBase {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("MODELCAT_CHROMIUM", "/usr/bin/chromium"));
    private static final long NODE_TIMEOUT_MINUTES = 10;
    private static final Optional<Path> REPO_ROOT = findRepoRoot();

    @Inject
    EmbeddedServer server;

    /** Installs the pinned playwright-core (no browser download) so that the README's test command is enough. */
    private static void installNodeModules(Path uiTests) throws InterruptedException {
        try {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(uiTests.toFile()).inheritIO().start();
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
            }
        } catch (IOException e) {
            System.out.println("[CatalogUiTest] npm is not available: " + e.getMessage());
        }
    }

    @Test
    void browserTestsPass() throws IOException, InterruptedException {
        assumeTrue(REPO_ROOT.isPresent(), "ui-tests/package.json not found above " + Path.of("").toAbsolutePath());
        Path uiTests = REPO_ROOT.get().resolve("ui-tests");
        assumeTrue(Files.isExecutable(CHROMIUM),
                "browser tests skipped: no Chromium at " + CHROMIUM + "; install it with `apt-get install chromium`");
        if (!Files.isDirectory(uiTests.resolve("node_modules/playwright-core"))) {
            installNodeModules(uiTests);
        }
        assumeTrue(Files.isDirectory(uiTests.resolve("node_modules/playwright-core")),
                "browser tests skipped: ui-tests/node_modules is missing; install it with `npm ci --prefix ui-tests`");
        createCards();

        Path screenshots = Path.of("target", "ui-screenshots").toAbsolutePath();
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "tests/")
                .directory(uiTests.toFile())
                .redirectErrorStream(true);
        node.environment().put("MODELCAT_BASE_URL", server.getURI().toString());
        node.environment().put("MODELCAT_SCREENSHOTS", screenshots.toString());
        node.environment().put("MODELCAT_CHROMIUM", CHROMIUM.toString());
        Process process;
        try {
            process = node.start();
        } catch (IOException e) {
            assumeTrue(false, "browser tests skipped: cannot run node (" + e.getMessage() + "); install Node.js 20 or newer");
            return;
        }
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                System.out.println(line);
                output.append(line).append('\n');
            }
        }
        boolean finished = process.waitFor(NODE_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished && process.exitValue() == 0)
                .as("node --test in %s failed (screenshots in %s):%n%s", uiTests, screenshots, output)
                .isTrue();
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

    private static Optional<Path> findRepoRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("ui-tests/package.json"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }
}
