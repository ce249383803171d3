package io.modelcat.store.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.spec.NoopSpec;
import io.modelcat.store.StoreTestBase;
import io.modelcat.store.job.Jobs;
import io.modelcat.store.job.NewJob;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Runners' rows: a heartbeat keeps one alive, a dead one is pruned, the live ones show what they run. */
class WorkersTest extends StoreTestBase {

    @Test
    void liveWorkersShowTheJobsTheyRunAndDeadOnesArePruned() throws SQLException {
        Workers.heartbeat(c, new Workers.Machine("w1", "host-a", 8, 1L << 30, "[{\"index\": 0}]", null), null);
        Workers.heartbeat(c, new Workers.Machine("w1", "host-a", 8, 1L << 30, "[{\"index\": 0}]", null), null);
        db.executeHere("INSERT INTO worker (id, host, cpu_cores, memory_bytes, heartbeat_at) "
                + "VALUES ('dead', 'gone', 4, 1024, now() - interval '10 minutes')");
        UUID job = UUID.randomUUID();
        Jobs.insert(c, new NewJob(job, new NoopSpec(1, null, 0), null, null, DeviceRequest.cpu(), 0, 1, null, null));
        Jobs.claim(c, job, "w1", false).orElseThrow();

        assertThat(Workers.live(c, Duration.ofSeconds(30))).singleElement().satisfies(w -> {
            assertThat(w.id()).isEqualTo("w1");
            assertThat(w.gpus()).contains("index");
            assertThat(w.runningJobs()).containsExactly(job);
            assertThat(w.runnerTokenId()).isNull();
            assertThat(w.servedInstances()).isZero();
            assertThat(w.reservedCores()).isZero();
        });
        Workers.pruneDead(c, Duration.ofSeconds(30));
        Workers.remove(c, "w1");
        assertThat(Workers.live(c, Duration.ofDays(1))).isEmpty();
    }
}
