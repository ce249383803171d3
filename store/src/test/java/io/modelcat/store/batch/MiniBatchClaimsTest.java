package io.modelcat.store.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.store.StoreTestBase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claims of mini-batches on the real PostgreSQL: concurrent claimers never share one, a lease that ran out is
 * claimed again, a done one never is, and the status counts every participant's work.
 */
class MiniBatchClaimsTest extends StoreTestBase {

    private static final Duration LEASE = Duration.ofMinutes(5);
    private UUID job;

    @BeforeEach
    void invocation() throws SQLException {
        job = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO job (id, kind, state, params) VALUES (?, 'batch-score', 'running', '{}')")) {
            ps.setObject(1, job);
            ps.executeUpdate();
        }
    }

    @Test
    void concurrentClaimersNeverGetTheSameMiniBatch() throws Exception {
        int count = 200;
        MiniBatchClaims.open(c, job, count);
        MiniBatchClaims.open(c, job, count); // a second participant opening changes nothing
        List<Callable<List<Integer>>> claimers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            claimers.add(() -> {
                UUID claimant = UUID.randomUUID();
                List<Integer> mine = new ArrayList<>();
                try (Connection own = db.dataSource().getConnection()) {
                    for (OptionalInt next = MiniBatchClaims.claimNext(own, job, claimant, "w", LEASE); next.isPresent();
                         next = MiniBatchClaims.claimNext(own, job, claimant, "w", LEASE)) {
                        mine.add(next.getAsInt());
                    }
                }
                return mine;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Integer> all = new ArrayList<>();
        try {
            for (Future<List<Integer>> f : pool.invokeAll(claimers)) {
                all.addAll(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        Collections.sort(all);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            expected.add(i);
        }
        assertThat(all).as("each mini-batch claimed exactly once").isEqualTo(expected);
    }

    @Test
    void aLeaseThatRanOutIsClaimedAgainAndADoneOneNever() throws SQLException {
        MiniBatchClaims.open(c, job, 3);
        UUID dead = UUID.randomUUID();
        UUID alive = UUID.randomUUID();
        assertThat(MiniBatchClaims.claimNext(c, job, dead, "doomed", Duration.ofMillis(300))).hasValue(0);
        assertThat(MiniBatchClaims.claimNext(c, job, alive, "survivor", LEASE)).hasValue(1);
        assertThat(MiniBatchClaims.finish(c, job, 1, alive, 2)).isTrue();
        db.executeHere("SELECT pg_sleep(0.4)");

        assertThat(MiniBatchClaims.claimNext(c, job, alive, "survivor", LEASE)).as("0's lease ran out").hasValue(0);
        assertThat(MiniBatchClaims.finish(c, job, 0, dead, 0)).as("no longer the dead claimant's").isFalse();
        assertThat(MiniBatchClaims.finish(c, job, 0, alive, 1)).isTrue();
        assertThat(MiniBatchClaims.finish(c, job, 0, alive, 1)).as("done once").isFalse();
        assertThat(MiniBatchClaims.claimNext(c, job, alive, "survivor", LEASE)).hasValue(2);
        assertThat(MiniBatchClaims.claimNext(c, job, UUID.randomUUID(), "other", LEASE))
                .as("2 is leased, 0 and 1 are done").isEmpty();

        MiniBatchClaims.Status status = MiniBatchClaims.status(c, job);
        assertThat(status.miniBatches()).isEqualTo(3);
        assertThat(status.done()).isEqualTo(2);
        assertThat(status.badRows()).isEqualTo(3);
        assertThat(status.runners()).isEqualTo(1);
        assertThat(status.finished()).isFalse();
        assertThat(status.invocationActive()).isTrue();
        assertThat(MiniBatchClaims.finished(c, job)).extracting(MiniBatchClaims.Finished::miniBatch,
                MiniBatchClaims.Finished::claims).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, 2), org.assertj.core.groups.Tuple.tuple(1, 1));
    }

    @Test
    void renewedLeasesHoldAndReleasedOnesAreFreeAtOnce() throws SQLException {
        MiniBatchClaims.open(c, job, 2);
        UUID first = UUID.randomUUID();
        assertThat(MiniBatchClaims.claimNext(c, job, first, "a", Duration.ofMillis(1))).hasValue(0);
        assertThat(MiniBatchClaims.renew(c, job, first, LEASE)).isEqualTo(1);
        db.executeHere("SELECT pg_sleep(0.05)");
        UUID second = UUID.randomUUID();
        assertThat(MiniBatchClaims.claimNext(c, job, second, "b", LEASE)).as("0's lease was renewed").hasValue(1);
        assertThat(MiniBatchClaims.release(c, job, second)).isEqualTo(1);
        assertThat(MiniBatchClaims.claimNext(c, job, UUID.randomUUID(), "c", LEASE)).hasValue(1);
    }

    @Test
    void aMiniBatchFoundInTheWorkFolderIsDoneAndTheInvocationsEndIsSeen() throws SQLException {
        MiniBatchClaims.open(c, job, 2);
        assertThat(MiniBatchClaims.found(c, job, 1, 4)).isTrue();
        assertThat(MiniBatchClaims.found(c, job, 1, 4)).isFalse();
        assertThat(MiniBatchClaims.claimNext(c, job, UUID.randomUUID(), "a", LEASE)).hasValue(0);
        db.executeHere("UPDATE job SET cancel_requested = true WHERE id = '" + job + "'");
        MiniBatchClaims.Status status = MiniBatchClaims.status(c, job);
        assertThat(status.badRows()).isEqualTo(4);
        assertThat(status.invocationActive()).as("cancellation asked for").isFalse();
    }

    /** The claim's search for a free mini-batch reads the job's own rows through an index, not the whole table. */
    @Test
    void theClaimFindsAFreeMiniBatchThroughAnIndex() throws SQLException {
        for (int j = 0; j < 20; j++) {
            UUID other = UUID.randomUUID();
            db.executeHere("INSERT INTO job (id, kind, state, params) VALUES ('" + other + "', 'batch-score', 'running', '{}')");
            MiniBatchClaims.open(c, other, 1000);
        }
        MiniBatchClaims.open(c, job, 1000);
        db.executeHere("ANALYZE batch_mini_batch");
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + MiniBatchClaims.FREE_MINI_BATCH)) {
            ps.setObject(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        assertThat(plan.toString()).as(plan.toString()).contains("Index").doesNotContain("Seq Scan");
    }
}
