package io.modelcat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A runner killed with SIGKILL mid-job: Quartz's cluster recovery hands the job to the other runner. */
class RunnerCrashSystemTest {

    @Test
    void aKilledRunnersJobIsTakenOverByAnother() throws Exception {
        try (RunningSystem system = new RunningSystem()) {
            system.addRunner("doomed", Map.of());
            RunningSystem.Answer answer = system.post("/api/v1/jobs", Map.of("kind", "noop",
                    "params", Map.of("durationMillis", 8000)));
            String id = (String) answer.map().get("id");
            Map<String, Object> running = system.awaitJob(id, Duration.ofSeconds(30), "running");
            assertThat((String) running.get("workerId")).startsWith("doomed");

            system.addRunner("survivor", Map.of());
            system.kill("doomed");

            Map<String, Object> done = system.awaitJob(id, Duration.ofSeconds(90), "succeeded", "failed", "cancelled");
            assertThat(done).containsEntry("state", "succeeded").containsEntry("attempt", 2);
            assertThat((String) done.get("workerId")).startsWith("survivor");
            List<String> messages = new ArrayList<>();
            system.get("/api/v1/jobs/" + id + "/logs").list().forEach(l -> messages.add((String) l.get("message")));
            assertThat(messages.stream().filter(m -> m.startsWith("Started"))).hasSize(2);
            assertThat(system.awaitValue(Duration.ofSeconds(60), system::workers, ws -> ws.size() == 1))
                    .extracting(w -> w.get("host")).containsExactly("survivor");
        }
    }

    @Test
    void aJobWhoseRunnerIsGoneShowsAsWaitingForOneAndResumesWhenOneReturns() throws Exception {
        try (RunningSystem system = new RunningSystem()) {
            String id = (String) system.post("/api/v1/jobs", Map.of("kind", "noop",
                    "params", Map.of("durationMillis", 20000))).map().get("id");
            // No runner at all: the queued job says so at once.
            assertThat(system.job(id)).containsEntry("state", "queued").containsEntry("waitingForRunner", true);

            system.addRunner("doomed", Map.of());
            Map<String, Object> running = system.awaitJob(id, Duration.ofSeconds(30), "running");
            assertThat(running).containsEntry("waitingForRunner", false);
            system.kill("doomed");

            // Within three missed heartbeats the running job shows that its runner is gone.
            Map<String, Object> orphan = system.awaitValue(Duration.ofSeconds(30), () -> system.job(id),
                    job -> Boolean.TRUE.equals(job.get("waitingForRunner")));
            assertThat(orphan).containsEntry("state", "running");

            system.addRunner("returning", Map.of());
            Map<String, Object> resumed = system.awaitValue(Duration.ofSeconds(60), () -> system.job(id),
                    job -> ((String) job.get("workerId")).startsWith("returning"));
            assertThat(resumed).containsEntry("waitingForRunner", false);
            assertThat(system.awaitJob(id, Duration.ofSeconds(90), "succeeded", "failed", "cancelled"))
                    .containsEntry("state", "succeeded").containsEntry("waitingForRunner", false);
        }
    }
}
