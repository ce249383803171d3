package io.modelcat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Jobs through the API on a catalog and two runners, each its own process, on one PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobLifecycleSystemTest {

    private RunningSystem system;

    @BeforeAll
    void start() {
        system = new RunningSystem();
        system.addRunner("runner-a", Map.of("MODELCAT_RUNNER_CPU_SLOTS", "2"));
        system.addRunner("runner-b", Map.of("MODELCAT_RUNNER_CPU_SLOTS", "2"));
    }

    @AfterAll
    void stop() {
        system.close();
    }

    private String submitNoop(Map<String, Object> params, Object... extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("kind", "noop", "params", params));
        for (int i = 0; i < extra.length; i += 2) {
            body.put((String) extra[i], extra[i + 1]);
        }
        RunningSystem.Answer answer = system.post("/api/v1/jobs", body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return (String) answer.map().get("id");
    }

    @Test
    void jobsAreSpreadOverRunnersAndRunOnceEach() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(submitNoop(Map.of("durationMillis", 1500)));
        }
        Set<String> workers = new HashSet<>();
        for (String id : ids) {
            Map<String, Object> job = system.awaitJob(id, Duration.ofSeconds(60), "succeeded", "failed", "cancelled");
            assertThat(job).containsEntry("state", "succeeded").containsEntry("attempt", 1).containsEntry("progress", 1.0);
            assertThat(job.get("startedAt")).isNotNull();
            assertThat(job.get("finishedAt")).isNotNull();
            workers.add(((String) job.get("workerId")).replaceAll("-[0-9a-f]{8}$", ""));
            List<Map<String, Object>> logs = system.get("/api/v1/jobs/" + id + "/logs").list();
            assertThat(logs.stream().filter(l -> ((String) l.get("message")).startsWith("Started"))).hasSize(1);
        }
        assertThat(workers).containsExactlyInAnyOrder("runner-a", "runner-b");
    }

    @Test
    void runningAndQueuedJobsCanBeCancelled() {
        String running = submitNoop(Map.of("durationMillis", 60_000));
        system.awaitJob(running, Duration.ofSeconds(20), "running");
        long asked = System.nanoTime();
        assertThat(system.post("/api/v1/jobs/" + running + "/cancel", Map.of()).status()).isEqualTo(200);
        Map<String, Object> cancelled = system.awaitJob(running, Duration.ofSeconds(10), "cancelled");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(8));
        assertThat(cancelled).containsEntry("cancelRequested", true);

        RunningSystem.Answer again = system.post("/api/v1/jobs/" + running + "/cancel", Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("already ended");
    }

    @Test
    void failuresKeepTheirCauseAndTransientOnesAreRetried() {
        String failing = submitNoop(Map.of("failWith", "the data was bad"));
        Map<String, Object> failed = system.awaitJob(failing, Duration.ofSeconds(30), "failed");
        assertThat(failed).containsEntry("error", "the data was bad").containsEntry("attempt", 1);
        assertThat((String) failed.get("errorCause")).contains("the cause, as asked for");

        String flaky = submitNoop(Map.of("transientFailures", 2), "maxAttempts", 3);
        Map<String, Object> recovered = system.awaitJob(flaky, Duration.ofSeconds(60), "succeeded", "failed");
        assertThat(recovered).containsEntry("state", "succeeded").containsEntry("attempt", 3);

        String hopeless = submitNoop(Map.of("transientFailures", 5), "maxAttempts", 2);
        Map<String, Object> gaveUp = system.awaitJob(hopeless, Duration.ofSeconds(60), "failed", "succeeded");
        assertThat(gaveUp).containsEntry("state", "failed").containsEntry("attempt", 2);
        assertThat((String) gaveUp.get("error")).contains("transient failure 2 of 5");
    }

    @Test
    void aJobOverItsTimeLimitIsStoppedAndFailed() {
        String slow = submitNoop(Map.of("durationMillis", 60_000), "timeLimitSeconds", 2);
        Map<String, Object> failed = system.awaitJob(slow, Duration.ofSeconds(20), "failed", "succeeded", "cancelled");
        assertThat(failed).containsEntry("state", "failed").containsEntry("timeLimitSeconds", 2);
        assertThat((String) failed.get("error")).contains("time limit of 2 s");
    }

    @Test
    void aGpuJobWaitsForAGpuRunner() throws InterruptedException {
        String gpuJob = submitNoop(Map.of(), "device", Map.of("kind", "gpu", "count", 1));
        Thread.sleep(4000);
        assertThat(system.job(gpuJob)).containsEntry("state", "queued");
        assertThat(system.workers()).allSatisfy(w -> assertThat((List<?>) w.get("gpus")).isEmpty());
        assertThat(system.post("/api/v1/jobs/" + gpuJob + "/cancel", Map.of()).map()).containsEntry("state", "cancelled");
    }

    @Test
    void rejectsBadSubmissionsNamingTheField() {
        assertThat(system.post("/api/v1/jobs", Map.of("kind", "teleport")).map().toString()).contains("kind");
        assertThat(system.post("/api/v1/jobs", Map.of("kind", "noop", "priority", 10)).status()).isEqualTo(400);
        assertThat(system.post("/api/v1/jobs", Map.of("kind", "noop", "device", Map.of("kind", "tpu"))).status())
                .isEqualTo(400);
        RunningSystem.Answer badModel = system.post("/api/v1/jobs",
                Map.of("kind", "noop", "modelId", "00000000-0000-4000-8000-000000000000"));
        assertThat(badModel.status()).isEqualTo(400);
        assertThat(badModel.body()).contains("modelId");
        assertThat(system.get("/api/v1/jobs?state=exploded").status()).isEqualTo(400);
        assertThat(system.get("/api/v1/jobs/not-a-job").status()).isEqualTo(400);
    }

    @Test
    void streamsProgressAndLogsAsServerSentEvents() throws Exception {
        String id = submitNoop(Map.of("durationMillis", 2000));
        HttpResponse<Stream<String>> stream = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(system.base() + "/api/v1/jobs/" + id + "/events"))
                        .header("Authorization", "Bearer " + system.adminToken()).GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<String> lines = stream.body().toList();
        assertThat(lines).contains("event: job", "event: log", "event: end");
        assertThat(lines.stream().filter(l -> l.startsWith("data:") && l.contains("\"progress\"")).count())
                .isGreaterThan(1);
        assertThat(lines.get(lines.lastIndexOf("event: end") + 1)).contains("succeeded");
    }

    @Test
    void listsJobsNewestFirstWithPages() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(submitNoop(Map.of()));
        }
        Map<String, Object> first = system.get("/api/v1/jobs?kind=noop&limit=2").map();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) first.get("items");
        assertThat(items).extracting(j -> j.get("id")).containsExactly(ids.get(2), ids.get(1));
        Map<String, Object> second = system.get("/api/v1/jobs?kind=noop&limit=2&cursor=" + first.get("nextCursor")).map();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> more = (List<Map<String, Object>>) second.get("items");
        assertThat(more.get(0).get("id")).isEqualTo(ids.get(0));
    }
}
