package io.modelcat.runner.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobQueue;
import io.modelcat.runner.RunnerContexts;
import io.modelcat.testsupport.PrometheusScrape;
import io.modelcat.testsupport.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real runner's {@code GET /prometheus} over HTTP: refused without the metrics token, and after a job that failed
 * once transiently and then succeeded, its wait (first attempt only), both attempts' run times, the retry, and the
 * JVM and connection pool meters.
 */
class RunnerMetricsTest {

    private static final String METRICS_TOKEN = "metrics-token-for-tests-0123456789";
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void empty() {
        TestDatabase.shared().truncateAll();
    }

    @Test
    void theMetricsTokenIsNeededAndTheJobMetersCountAJobWithARetry() throws Exception {
        try (EmbeddedServer runner = RunnerContexts.start(Map.of("modelcat.metrics.token", METRICS_TOKEN,
                "modelcat.runner.retry-backoff", "100ms"))) {
            URI scrape = runner.getURI().resolve("/prometheus");
            HttpResponse<String> none = get(scrape, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(none.body()).contains("MODELCAT_METRICS_TOKEN");
            assertThat(get(scrape, "not-the-token").statusCode()).isEqualTo(401);

            PrometheusScrape before = PrometheusScrape.parse(get(scrape, METRICS_TOKEN).body());
            // Counters are there from the start, at 0.
            assertThat(before.names()).contains("modelcat_job_retries_total", "modelcat_import_bytes_total");
            assertThat(before.sum("modelcat_job_retries_total", Map.of("kind", "noop"))).isZero();
            assertThat(before.sum("modelcat_import_bytes_total", Map.of())).isZero();

            UUID job = UUID.randomUUID();
            TestDatabase.shared().executeHere("INSERT INTO job (id, kind, params, submitted_at) VALUES ('" + job
                    + "', 'noop', '{\"transientFailures\": 1}', now() - interval '2 seconds')");
            runner.getApplicationContext().getBean(JobQueue.class).submit(job, DeviceRequest.cpu(), 0, Instant.now());
            awaitState(job, "succeeded", Duration.ofSeconds(60));

            HttpResponse<String> answer = get(scrape, METRICS_TOKEN);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/plain").contains("version=0.0.4"));
            PrometheusScrape after = PrometheusScrape.parse(answer.body());
            Map<String, String> noop = Map.of("kind", "noop", "device", "cpu");
            assertThat(after.sum("modelcat_job_queue_wait_seconds_count", noop)).as("the first attempt's wait only")
                    .isEqualTo(1);
            assertThat(after.sum("modelcat_job_queue_wait_seconds_sum", noop)).as("waited since its submission")
                    .isGreaterThanOrEqualTo(2);
            assertThat(after.sum("modelcat_job_run_duration_seconds_count", Map.of("kind", "noop", "outcome", "retried")))
                    .isEqualTo(1);
            assertThat(after.sum("modelcat_job_run_duration_seconds_count", Map.of("kind", "noop", "outcome", "succeeded")))
                    .isEqualTo(1);
            assertThat(after.sum("modelcat_job_retries_total", Map.of("kind", "noop"))).isEqualTo(1);
            assertThat(after.names()).contains("jvm_memory_used_bytes", "jvm_gc_pause_seconds_count",
                    "hikaricp_connections_active", "http_server_requests_seconds_count");
            // A CPU runner has no GPU series.
            assertThat(after.names()).noneMatch(n -> n.startsWith("modelcat_gpu_"));
        }
    }

    @Test
    void withoutAMetricsTokenNobodyScrapes() throws Exception {
        try (EmbeddedServer runner = RunnerContexts.start(Map.of())) {
            HttpResponse<String> answer = get(runner.getURI().resolve("/prometheus"), "anything");
            assertThat(answer.statusCode()).isEqualTo(403);
            assertThat(answer.body()).contains("metrics are off").contains("MODELCAT_METRICS_TOKEN");
        }
    }

    private HttpResponse<String> get(URI uri, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitState(UUID job, String state, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        String now = null;
        while (Instant.now().isBefore(deadline)) {
            now = query("SELECT state FROM job WHERE id = '" + job + "'");
            if (state.equals(now)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + job + " is " + now + ", not " + state + ", after " + timeout.toSeconds() + " s");
    }

    private static String query(String sql) throws SQLException {
        try (Connection c = TestDatabase.shared().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
