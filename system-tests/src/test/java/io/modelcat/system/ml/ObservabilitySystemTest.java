package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.PrometheusScrape;
import io.modelcat.testsupport.hub.FakeHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Metrics and logs of the deployed system, both services started with JSON logs and the runner with a metrics
 * token: a noop job, an import, a fine-tune and calls of an online endpoint, with each service's Prometheus endpoint
 * scraped before, during and after. The job and endpoint meters rise with the work; the Grafana dashboard queries no
 * meter the services do not expose; every line a job's code logs carries its job id and every request line its
 * request id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilitySystemTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String METRICS_TOKEN = "system-test-metrics-token-0123456789";
    private static final String RUNNER = "observed";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What PromQL calls a name but is no metric: keywords and aggregation modifiers. */
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "offset", "bool", "and", "or", "unless");

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeHub hub;
    private RunningSystem system;
    private PrometheusScrape catalogBefore;
    private PrometheusScrape runnerBefore;
    private final Set<String> exposed = new TreeSet<>();
    private String noopJob;
    private String submitRequestId;
    private String finetuneJob;
    private boolean trainingSeenWhileRunning;
    private PrometheusScrape catalogAfter;
    private PrometheusScrape runnerAfter;

    @BeforeAll
    void runTheWork() {
        hub = FakeHub.start();
        hub.addRepo("hf-tiny/bert", Fixtures.model("bert"));
        hub.addRepo("hf-tiny/sentiment", Fixtures.model("distilbert-sequence-classification"));
        Map<String, String> env = Map.of("HF_ENDPOINT", hub.endpoint().toString(), "MODELCAT_LOG_FORMAT", "json",
                "MODELCAT_METRICS_TOKEN", METRICS_TOKEN, "MODELCAT_ACCESS_LOG", "true");
        system = new RunningSystem(env);
        system.addRunner(RUNNER, Map.of());
        catalogBefore = catalogScrape();
        runnerBefore = runnerScrape();

        RunningSystem.Answer submitted = system.post("/api/v1/jobs", Map.of("kind", "noop",
                "params", Map.of("durationMillis", 300)));
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
        noopJob = (String) submitted.map().get("id");
        submitRequestId = submitted.header("X-Request-Id").orElseThrow();
        system.awaitJob(noopJob, TIMEOUT, "succeeded");

        String bert = system.importModel("hf-tiny/bert", TIMEOUT);
        String sentiment = system.importModel("hf-tiny/sentiment", TIMEOUT);

        String dataset = (String) system.upload("/api/v1/datasets?name=reviews", "text/csv",
                SentimentData.csv(1500, 3)).map().get("id");
        RunningSystem.Answer finetune = system.post("/api/v1/finetunes", Map.of("modelId", bert,
                "task", "text-classification", "trainDatasetId", dataset,
                "mapping", Map.of("sentence1", "review", "label", "sentiment"),
                "hyperparameters", Map.of("epochs", 3, "batchSize", 16, "learningRate", 3e-3)));
        assertThat(finetune.status()).as(finetune.body()).isEqualTo(202);
        finetuneJob = (String) finetune.map().get("id");
        // Scrape the runner while the fine-tune runs: its training gauges exist only then.
        while (!List.of("succeeded", "failed", "cancelled").contains((String) system.job(finetuneJob).get("state"))) {
            PrometheusScrape during = runnerScrape();
            if (!during.matching("modelcat_training_loss", Map.of("job_id", finetuneJob)).isEmpty()
                    && !during.matching("modelcat_training_samples_per_second", Map.of("job_id", finetuneJob)).isEmpty()) {
                trainingSeenWhileRunning = true;
            }
            sleep(100);
        }
        assertThat(system.job(finetuneJob)).containsEntry("state", "succeeded");

        RunningSystem.Answer endpoint = system.post("/api/v1/endpoints", Map.of("name", "observed"));
        assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);
        String key = (String) ((Map<?, ?>) endpoint.map().get("keys")).get("primaryKey");
        RunningSystem.Answer deployed = system.post("/api/v1/endpoints/observed/deployments",
                Map.of("name", "blue", "modelId", sentiment, "instanceCount", 1));
        assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
        system.awaitValue(TIMEOUT, () -> (List<?>) system.get("/api/v1/endpoints/observed").map().get("deployments"),
                ds -> ds.stream().anyMatch(d -> "ready".equals(((Map<?, ?>) d).get("state"))
                        && !((List<?>) ((Map<?, ?>) d).get("instances")).isEmpty()));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> scored = score(key);
            assertThat(scored.statusCode()).as(scored.body()).isEqualTo(200);
        }
        catalogAfter = catalogScrape();
        runnerAfter = runnerScrape();
    }

    @AfterAll
    void stop() {
        if (system != null) {
            system.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void theJobAndEndpointMetersRoseWithTheWork() {
        Map<String, String> cpuNoop = Map.of("kind", "noop", "device", "cpu");
        assertThat(runnerAfter.sum("modelcat_job_queue_wait_seconds_count", cpuNoop)
                - runnerBefore.sum("modelcat_job_queue_wait_seconds_count", cpuNoop)).isEqualTo(1);
        assertThat(runnerAfter.sum("modelcat_job_run_duration_seconds_count",
                Map.of("kind", "noop", "outcome", "succeeded"))).isEqualTo(1);
        assertThat(runnerAfter.sum("modelcat_job_run_duration_seconds_sum", Map.of("kind", "noop")))
                .as("it ran its 300 ms").isGreaterThanOrEqualTo(0.3);
        assertThat(runnerAfter.sum("modelcat_job_run_duration_seconds_count",
                Map.of("kind", "finetune", "outcome", "succeeded"))).isEqualTo(1);
        assertThat(runnerAfter.sum("modelcat_job_run_duration_seconds_count",
                Map.of("kind", "import", "outcome", "succeeded"))).isEqualTo(2);
        assertThat(runnerAfter.sum("modelcat_import_bytes_total", Map.of())).as("both models' files")
                .isGreaterThan(runnerBefore.sum("modelcat_import_bytes_total", Map.of()) + 10_000);

        assertThat(trainingSeenWhileRunning).as("training loss and samples/s of the running fine-tune").isTrue();
        assertThat(runnerAfter.matching("modelcat_training_loss", Map.of("job_id", finetuneJob)))
                .as("gone with the job").isEmpty();

        // Nothing is left queued or running: the catalog's gauges read the job table.
        assertThat(catalogAfter.sum("modelcat_jobs_queued", Map.of()) + catalogAfter.sum("modelcat_jobs_running",
                Map.of())).isZero();
        assertThat(catalogAfter.sum("modelcat_endpoint_request_duration_seconds_count",
                Map.of("endpoint", "observed", "deployment", "blue", "outcome", "answered"))).isEqualTo(3);
        assertThat(catalogAfter.sum("http_server_requests_seconds_count", Map.of("uri", "/api/v1/jobs", "method", "POST")))
                .isEqualTo(1);
    }

    @Test
    void theDashboardQueriesOnlyMetersTheServicesExpose() throws IOException {
        Set<String> queried = dashboardMetricNames();
        assertThat(queried).as("the dashboard queries our meters").contains("modelcat_jobs_queued",
                "modelcat_job_queue_wait_seconds_bucket", "modelcat_endpoint_request_duration_seconds_count");
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(exposed);
        // GPU memory is only exposed by runners with GPUs; this one runs CPU-only.
        assertThat(system.workers()).allSatisfy(w -> assertThat((List<?>) w.get("gpus")).isEmpty());
        assertThat(missing).as("queried by ops/grafana/modelcat.json but exposed by neither service")
                .isSubsetOf("modelcat_gpu_memory_used_bytes", "modelcat_gpu_memory_total_bytes");
    }

    @Test
    void jsonLogLinesCarryTheJobIdAndTheRequestId() throws IOException {
        List<JsonNode> runnerLines = jsonLines(system.log(RUNNER));
        List<JsonNode> jobLines = runnerLines.stream()
                .filter(l -> l.path("loggerName").asText().equals("io.modelcat.runner.job")).toList();
        assertThat(jobLines).as("the jobs' own log lines").isNotEmpty();
        assertThat(jobLines).allSatisfy(l -> assertThat(l.path("mdc").path("jobId").asText()).isNotEmpty());
        assertThat(jobLines.stream().filter(l -> l.path("mdc").path("jobId").asText().equals(noopJob))
                .map(l -> l.path("formattedMessage").asText())).anyMatch(m -> m.startsWith("Started on worker"))
                .contains("Succeeded");
        assertThat(jobLines.stream().filter(l -> l.path("mdc").path("jobId").asText().equals(finetuneJob))
                .map(l -> l.path("formattedMessage").asText())).anyMatch(m -> m.startsWith("Epoch 3:"));

        List<JsonNode> catalogLines = jsonLines(system.log("catalog"));
        List<JsonNode> requests = catalogLines.stream()
                .filter(l -> l.path("loggerName").asText().equals("modelcat.http.access")).toList();
        assertThat(requests).isNotEmpty();
        assertThat(requests).allSatisfy(l -> assertThat(l.path("mdc").path("requestId").asText()).isNotEmpty());
        assertThat(requests.stream().filter(l -> l.path("mdc").path("requestId").asText().equals(submitRequestId))
                .map(l -> l.path("formattedMessage").asText())).singleElement()
                .satisfies(m -> assertThat(m).matches("POST /api/v1/jobs 201 \\d+ ms"));
    }

    /** Every line logback wrote, as JSON; each must parse (other lines are the JVM's or native libraries'). */
    private static List<JsonNode> jsonLines(Path log) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("{")) {
                JsonNode node = JSON.readTree(line);
                assertThat(node.has("level") && node.has("loggerName") && node.has("timestamp")).as(line).isTrue();
                lines.add(node);
            }
        }
        assertThat(lines).as("JSON lines in " + log).hasSizeGreaterThan(5);
        return lines;
    }

    /** The metric names the dashboard's queries read: identifiers that are not functions, labels or keywords. */
    private static Set<String> dashboardMetricNames() throws IOException {
        JsonNode dashboard = JSON.readTree(Path.of("..", "ops", "grafana", "modelcat.json").toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            String query = expr.asText()
                    .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "")
                    .replaceAll("\\{[^}]*}", "")
                    .replaceAll("\\[[^]]*]", "")
                    .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
                    .replaceAll("\\$\\w+", "");
            Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\()?").matcher(query);
            while (m.find()) {
                if (m.group(2) == null && !PROMQL_WORDS.contains(m.group(1))) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    private PrometheusScrape catalogScrape() {
        RunningSystem.Answer answer = system.get("/api/v1/prometheus");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        PrometheusScrape scrape = PrometheusScrape.parse(answer.body());
        exposed.addAll(scrape.names());
        return scrape;
    }

    private PrometheusScrape runnerScrape() {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(system.runnerUri(RUNNER).resolve("/prometheus"))
                .header("Authorization", "Bearer " + METRICS_TOKEN).GET());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        PrometheusScrape scrape = PrometheusScrape.parse(answer.body());
        exposed.addAll(scrape.names());
        return scrape;
    }

    private HttpResponse<String> score(String key) {
        URI uri = system.base().resolve("/endpoints/observed/score");
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"input_data\": [\"I loved it\"]}")));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
