package io.modelcat.catalog.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.testsupport.PrometheusScrape;
import io.modelcat.testsupport.TestDatabase;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/prometheus} over real HTTP: refused without an account, scraped by a viewer, with the JVM, HTTP
 * server, connection pool and job meters; the job gauges follow the job table. And every answer's request id.
 */
@MicronautTest(transactional = false)
class PrometheusEndpointTest extends CatalogTestBase {

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        // Read the job table at every scrape, so that a change shows at once.
        properties.put("modelcat.metrics.job-gauges-ttl", "0s");
        return properties;
    }

    private PrometheusScrape scrape() {
        ApiClient.Answer answer = apiAs(Role.VIEWER).get("/api/v1/prometheus");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("text/plain").contains("version=0.0.4");
        return PrometheusScrape.parse(answer.body());
    }

    @Test
    void aViewerScrapesTheJvmHttpPoolAndJobMetersAndNobodyElse() {
        ApiClient.Answer anonymous = anonymousApi().get("/api/v1/prometheus");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).startsWith("application/problem+json");
        ApiClient.Answer wrongToken = anonymousApi().as("mc_pat_not-a-real-token").get("/api/v1/prometheus");
        assertThat(wrongToken.status()).isEqualTo(401);

        api.get("/api/v1/models");
        PrometheusScrape scrape = scrape();
        assertThat(scrape.names()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
                "process_cpu_usage", "hikaricp_connections_active", "hikaricp_connections_pending",
                "http_server_requests_seconds_bucket", "modelcat_jobs_queued", "modelcat_jobs_running");
        assertThat(scrape.sum("http_server_requests_seconds_count",
                Map.of("uri", "/api/v1/models", "method", "GET", "status", "200"))).isGreaterThanOrEqualTo(1);
        // Every kind and device shows, at 0 when there are no such jobs.
        assertThat(scrape.matching("modelcat_jobs_queued", Map.of("kind", "finetune", "device", "gpu")))
                .singleElement().satisfies(s -> assertThat(s.value()).isZero());
    }

    @Test
    void theJobGaugesCountQueuedAndRunningJobsByKindAndDevice() {
        Map<String, String> cpuNoop = Map.of("kind", "noop", "device", "cpu");
        Map<String, String> gpuNoop = Map.of("kind", "noop", "device", "gpu");
        assertThat(scrape().sum("modelcat_jobs_queued", cpuNoop)).isZero();

        String first = submit(Map.of("kind", "noop", "params", Map.of()));
        submit(Map.of("kind", "noop", "params", Map.of()));
        submit(Map.of("kind", "noop", "params", Map.of(), "device", Map.of("kind", "gpu", "count", 1)));
        PrometheusScrape queued = scrape();
        assertThat(queued.sum("modelcat_jobs_queued", cpuNoop)).isEqualTo(2);
        assertThat(queued.sum("modelcat_jobs_queued", gpuNoop)).isEqualTo(1);
        assertThat(queued.sum("modelcat_jobs_running", cpuNoop)).isZero();

        // A runner takes one (as its claim does), and one is cancelled.
        TestDatabase.shared().executeHere("UPDATE job SET state = 'running', worker_id = 'w', started_at = now(), "
                + "attempt = 1 WHERE id = '" + first + "'");
        String third = (String) api.get("/api/v1/jobs?kind=noop&state=queued&limit=1").items().get(0).get("id");
        assertThat(api.post("/api/v1/jobs/" + third + "/cancel", Map.of()).status()).isLessThan(300);
        PrometheusScrape later = scrape();
        assertThat(later.sum("modelcat_jobs_running", cpuNoop)).isEqualTo(1);
        assertThat(later.sum("modelcat_jobs_queued", cpuNoop) + later.sum("modelcat_jobs_queued", gpuNoop)).isEqualTo(1);
    }

    @Test
    void everyAnswerCarriesARequestIdAndAUsableOneSentIsKept() {
        ApiClient.Answer plain = api.get("/api/v1/models");
        assertThat(UUID.fromString(plain.header("X-Request-Id"))).isNotNull();
        assertThat(anonymousApi().get("/api/v1/models").header("X-Request-Id")).as("refusals too").isNotBlank();
        assertThat(anonymousApi().get("/index.html").header("X-Request-Id")).as("the UI's files too").isNotBlank();

        ApiClient.Answer sent = api.send(HttpRequest.newBuilder(api.uri("/api/v1/models"))
                .header("X-Request-Id", "lb-7f3a9c.42").GET());
        assertThat(sent.header("X-Request-Id")).isEqualTo("lb-7f3a9c.42");
        // An unusable one (too long, or characters that could forge a log line) is replaced, not refused.
        ApiClient.Answer odd = api.send(HttpRequest.newBuilder(api.uri("/api/v1/models"))
                .header("X-Request-Id", "a\"b c").GET());
        assertThat(odd.status()).isEqualTo(200);
        assertThat(UUID.fromString(odd.header("X-Request-Id"))).isNotNull();
        ApiClient.Answer longOne = api.send(HttpRequest.newBuilder(api.uri("/api/v1/models"))
                .header("X-Request-Id", "x".repeat(129)).GET());
        assertThat(UUID.fromString(longOne.header("X-Request-Id"))).isNotNull();
    }

    private String submit(Map<String, Object> body) {
        ApiClient.Answer answer = api.post("/api/v1/jobs", body);
        assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
        return (String) answer.map().get("id");
    }
}
