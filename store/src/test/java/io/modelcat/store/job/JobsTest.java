package io.modelcat.store.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.JobState;
import io.modelcat.jobs.spec.JobSpecs;
import io.modelcat.jobs.spec.NoopResult;
import io.modelcat.jobs.spec.NoopSpec;
import io.modelcat.store.Cursor;
import io.modelcat.store.Page;
import io.modelcat.store.StoreTestBase;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The job table's writes in the real schema: claims, ends, retries and cancellations, and the transitions refused. */
class JobsTest extends StoreTestBase {

    @Test
    void aQueuedJobIsClaimedOnceAndEndsOnItsWorker() throws SQLException {
        UUID id = queued();
        Claim claim = Jobs.claim(c, id, "worker-1", false).orElseThrow();
        assertThat(claim.kind()).isEqualTo("noop");
        assertThat(JobSpecs.read(claim.spec(), NoopSpec.class).durationMillis()).isEqualTo(5);
        assertThat(claim.attempt()).isEqualTo(1);
        assertThat(claim.device()).isEqualTo(DeviceRequest.cpu());
        assertThat(claim.timeLimit()).isEqualTo(Duration.ofSeconds(60));
        assertThat(Jobs.claim(c, id, "worker-2", false)).as("claimed already").isEmpty();

        Jobs.progress(c, id, 1.7, "{\"step\": 3}");
        assertThat(row(id).progress()).isEqualTo(1.0);
        assertThat(Jobs.finish(c, id, "worker-2", JobState.SUCCEEDED, null, null, null)).as("not its job").isFalse();
        assertThat(Jobs.finish(c, id, "worker-1", JobState.SUCCEEDED, JobSpecs.write(new NoopResult(5)), null, null))
                .isTrue();
        JobRow done = row(id);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.finishedAt()).isNotNull();
        assertThat(done.result()).isNotNull();
        assertThat(Jobs.finish(c, id, "worker-1", JobState.FAILED, null, "late", null)).as("already ended").isFalse();
        assertThat(row(id).state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void aRunningJobGoesBackToTheQueueAndIsTakenOverOnlyWhenItsRunnerDied() throws SQLException {
        UUID id = queued();
        Jobs.claim(c, id, "worker-1", false).orElseThrow();
        assertThat(Jobs.claim(c, id, "worker-2", true)).as("take-over of a running job").get()
                .extracting(Claim::attempt).isEqualTo(2);
        assertThat(row(id).workerId()).isEqualTo("worker-2");

        assertThat(Jobs.requeue(c, id, "worker-1", "not mine")).isFalse();
        assertThat(Jobs.requeue(c, id, "worker-2", "retry")).isTrue();
        JobRow again = row(id);
        assertThat(again.state()).isEqualTo(JobState.QUEUED);
        assertThat(again.workerId()).isNull();
        assertThat(again.error()).isEqualTo("retry");
        assertThat(Jobs.requeue(c, id, "worker-2", "twice")).as("queued already").isFalse();
    }

    @Test
    void aQueuedJobIsCancelledAtOnceAndARunningOneIsAskedToStop() throws SQLException {
        UUID waiting = queued();
        assertThat(Jobs.requestCancel(c, waiting)).as("not running").isFalse();
        assertThat(Jobs.cancelQueued(c, waiting)).isTrue();
        assertThat(row(waiting).state()).isEqualTo(JobState.CANCELLED);
        assertThat(Jobs.claim(c, waiting, "worker-1", true)).as("cancelled jobs are not claimed").isEmpty();

        UUID running = queued();
        Jobs.claim(c, running, "worker-1", false).orElseThrow();
        assertThat(Jobs.cancelQueued(c, running)).as("running: asked to stop instead").isFalse();
        assertThat(Jobs.requestCancel(c, running)).isTrue();
        assertThat(Jobs.cancellationsFor(c, "worker-1")).containsExactly(running);
        assertThat(row(running).state()).isEqualTo(JobState.RUNNING);
        assertThat(Jobs.finish(c, running, "worker-1", JobState.CANCELLED, null, null, null)).isTrue();
        assertThat(row(running).state()).isEqualTo(JobState.CANCELLED);
        assertThat(Jobs.cancellationsFor(c, "worker-1")).isEmpty();
    }

    @Test
    void everyStateChangeIsRefusedUnlessTheStateMachineAllowsIt() throws SQLException {
        for (JobState from : JobState.values()) {
            for (JobState to : JobState.values()) {
                UUID id = inState(from);
                int moved = JobStateChange.to(to).apply(c, id);
                assertThat(moved).as("%s -> %s", from, to).isEqualTo(from.canMoveTo(to) ? 1 : 0);
                assertThat(row(id).state()).as("%s -> %s", from, to).isEqualTo(from.canMoveTo(to) ? to : from);
            }
        }
    }

    @Test
    void aWriteMayNarrowTheStatesItStartsFromButNeverWidenThem() {
        assertThatThrownBy(() -> JobStateChange.to(JobState.RUNNING).onlyFrom(JobState.SUCCEEDED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JobStateChange.to(JobState.QUEUED).onlyFrom(JobState.QUEUED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Jobs.finish(c, UUID.randomUUID(), "worker-1", JobState.QUEUED, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endedJobsAreNeverClaimedRequeuedOrEndedAgain() throws SQLException {
        for (JobState end : List.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)) {
            UUID id = inState(end);
            assertThat(Jobs.claim(c, id, "worker-1", true)).as(end.wireName()).isEmpty();
            assertThat(Jobs.requeue(c, id, "worker-1", "again")).as(end.wireName()).isFalse();
            assertThat(Jobs.cancelQueued(c, id)).as(end.wireName()).isFalse();
            assertThat(Jobs.finish(c, id, "worker-1", JobState.FAILED, null, "x", null)).as(end.wireName()).isFalse();
            assertThat(row(id).state()).isEqualTo(end);
        }
    }

    @Test
    void listsPageNewestFirstAndFilter() throws SQLException {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID id = queued();
            db.executeHere("UPDATE job SET submitted_at = timestamptz '2026-01-01 10:00:00.123456+00' + interval '"
                    + i + " seconds' WHERE id = '" + id + "'");
            ids.add(0, id);
        }
        Jobs.claim(c, ids.get(4), "worker-1", false).orElseThrow();
        JobFilter all = new JobFilter(List.of(), List.of(JobKind.NOOP), null);
        List<UUID> seen = new ArrayList<>();
        Cursor after = null;
        do {
            Page<JobRow> page = Jobs.list(c, all, after, 2);
            page.items().forEach(j -> seen.add(j.id()));
            after = page.next();
            assertThat(after == null || Jobs.continuesList(Cursor.decode(after.encode()).orElseThrow())).isTrue();
        } while (after != null);
        assertThat(seen).as("newest first").containsExactlyElementsOf(ids);

        assertThat(Jobs.list(c, new JobFilter(List.of(JobState.RUNNING), List.of(), null), null, 10).items())
                .extracting(JobRow::id).containsExactly(ids.get(4));
        assertThat(Jobs.continuesList(Cursor.of("name", "x", UUID.randomUUID()))).isFalse();
    }

    @Test
    void logLinesComeBackInOrderAfterTheLastOneSeen() throws SQLException {
        UUID id = queued();
        JobLogs.append(c, id, "INFO", "one", "{}");
        JobLogs.append(c, id, "WARN", "two", "{\"error\": \"x\"}");
        List<JobLogs.Line> lines = JobLogs.after(c, id, 0, 10);
        assertThat(lines).extracting(JobLogs.Line::message).containsExactly("one", "two");
        assertThat(JobLogs.after(c, id, lines.get(0).id(), 10)).extracting(JobLogs.Line::level).containsExactly("WARN");
    }

    private UUID queued() throws SQLException {
        UUID id = UUID.randomUUID();
        Jobs.insert(c, new NewJob(id, new NoopSpec(5, null, 0), null, null, DeviceRequest.cpu(), 0, 3, 60, null));
        return id;
    }

    private UUID inState(JobState state) throws SQLException {
        UUID id = queued();
        db.executeHere("UPDATE job SET state = '" + state.wireName() + "', worker_id = "
                + (state == JobState.QUEUED ? "NULL" : "'worker-1'") + " WHERE id = '" + id + "'");
        return id;
    }

    private JobRow row(UUID id) throws SQLException {
        return Jobs.find(c, id).orElseThrow();
    }
}
