package io.modelcat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deployed runners prove themselves with runner tokens; an admin can refuse a stranger and cut one off. */
class RunnerAccessSystemTest {

    @Test
    void aStrangerCannotJoinAndARevokedRunnerStopsTakingJobs() {
        try (RunningSystem system = new RunningSystem()) {
            RunningSystem.Ended stranger = system.runnerThatStops("stranger",
                    Map.of("MODELCAT_RUNNER_TOKEN", "a-token-nobody-enrolled-0123456789abcdef"), Duration.ofSeconds(90));
            assertThat(stranger.exitCode()).isNotZero();
            assertThat(stranger.output()).contains("not a runner token this system knows");
            assertThat(system.workers()).isEmpty();

            RunningSystem.Answer issued = system.post("/api/v1/runner-tokens", Map.of("name", "box-2"));
            assertThat(issued.status()).as(issued.body()).isEqualTo(201);
            @SuppressWarnings("unchecked")
            Object tokenId = ((Map<String, Object>) issued.map().get("token")).get("id");
            system.addRunner("box-2", Map.of("MODELCAT_RUNNER_TOKEN", (String) issued.map().get("value")));
            List<Map<String, Object>> workers = system.workers();
            assertThat(workers).singleElement().satisfies(w -> assertThat(w.get("runnerToken")).asString().contains("box-2"));

            assertThat(system.delete("/api/v1/runner-tokens/" + tokenId).status()).isEqualTo(200);
            system.awaitValue(Duration.ofSeconds(30), system::workers, List::isEmpty);
            system.awaitValue(Duration.ofSeconds(30), () -> system.runnerHealth("box-2"), code -> code == 503);

            RunningSystem.Answer job = system.post("/api/v1/jobs", Map.of("kind", "noop", "params", Map.of()));
            assertThat(job.status()).isEqualTo(201);
            sleep(Duration.ofSeconds(5));
            assertThat(system.job(job.map().get("id"))).containsEntry("state", "queued");
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
