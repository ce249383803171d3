package io.modelcat.store.batch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * The {@code batch_mini_batch} table: which participant of a batch invocation (its own job or a helper, on any
 * runner) scores which mini-batch. A participant claims the next mini-batch that is neither done nor under a
 * live lease, renews its lease while it scores, and marks the mini-batch done; a claim whose lease ran out (its
 * runner died) is taken by the next claimer, and a done mini-batch is never claimed again.
 */
public final class MiniBatchClaims {

    private MiniBatchClaims() {
    }

    /** Where an invocation's mini-batches stand, counted over every participant. */
    public record Status(int miniBatches, int done, long badRows, int runners, boolean invocationActive) {

        public boolean finished() {
            return done == miniBatches;
        }
    }

    /** A finished mini-batch and the runner that scored it. */
    public record Finished(int miniBatch, String workerId, int claims) {
    }

    /** The lowest free mini-batch of a job (the parameter), locked, skipping those other claimers lock. */
    static final String FREE_MINI_BATCH = """
            SELECT mini_batch FROM batch_mini_batch
            WHERE job_id = ? AND NOT done AND (lease_until IS NULL OR lease_until < now())
            ORDER BY mini_batch LIMIT 1 FOR UPDATE SKIP LOCKED""";

    /** Makes the rows of mini-batches {@code 0 .. count-1} of a job; those already there are left as they are. */
    public static void open(Connection c, UUID jobId, int count) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO batch_mini_batch (job_id, mini_batch) SELECT ?, generate_series(0, ? - 1)
                ON CONFLICT (job_id, mini_batch) DO NOTHING""")) {
            ps.setObject(1, jobId);
            ps.setInt(2, count);
            ps.executeUpdate();
        }
    }

    /**
     * Claims the lowest mini-batch that is not done and not under a live lease (never claimed, released, or
     * its lease ran out) for {@code claimant} on {@code workerId}, leased for {@code lease}; empty when there
     * is none. Rows other claimers are locking are skipped, so two claimers never get the same one.
     */
    public static OptionalInt claimNext(Connection c, UUID jobId, UUID claimant, String workerId, Duration lease)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE batch_mini_batch m
                SET claimant = ?, worker_id = ?, lease_until = now() + ? * interval '1 millisecond', claims = claims + 1
                WHERE m.job_id = ? AND m.mini_batch = (""" + FREE_MINI_BATCH + """
                ) RETURNING m.mini_batch""")) {
            ps.setObject(1, claimant);
            ps.setString(2, workerId);
            ps.setLong(3, lease.toMillis());
            ps.setObject(4, jobId);
            ps.setObject(5, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalInt.of(rs.getInt(1)) : OptionalInt.empty();
            }
        }
    }

    /** Extends the leases of the claimant's unfinished mini-batches to {@code lease} from now; answers how many. */
    public static int renew(Connection c, UUID jobId, UUID claimant, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE batch_mini_batch SET lease_until = now() + ? * interval '1 millisecond'
                WHERE job_id = ? AND claimant = ? AND NOT done""")) {
            ps.setLong(1, lease.toMillis());
            ps.setObject(2, jobId);
            ps.setObject(3, claimant);
            return ps.executeUpdate();
        }
    }

    /**
     * Marks a claimed mini-batch done with its bad rows; false when it was not the claimant's (its lease ran
     * out and another took it) or it was done already.
     */
    public static boolean finish(Connection c, UUID jobId, int miniBatch, UUID claimant, int badRows)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE batch_mini_batch SET done = true, bad_rows = ?, lease_until = NULL, finished_at = now()
                WHERE job_id = ? AND mini_batch = ? AND claimant = ? AND NOT done""")) {
            ps.setInt(1, badRows);
            ps.setObject(2, jobId);
            ps.setInt(3, miniBatch);
            ps.setObject(4, claimant);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Marks a mini-batch done that was found finished in the job's work folder (its row was not marked, as
     * when its runner died between the two, or an earlier version kept only the file); false if it was marked.
     */
    public static boolean found(Connection c, UUID jobId, int miniBatch, int badRows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE batch_mini_batch SET done = true, bad_rows = ?, lease_until = NULL, finished_at = now()
                WHERE job_id = ? AND mini_batch = ? AND NOT done""")) {
            ps.setInt(1, badRows);
            ps.setObject(2, jobId);
            ps.setInt(3, miniBatch);
            return ps.executeUpdate() == 1;
        }
    }

    /** Gives up the claimant's unfinished mini-batches at once (it stops), so that others need not wait out the lease. */
    public static int release(Connection c, UUID jobId, UUID claimant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE batch_mini_batch SET lease_until = NULL
                WHERE job_id = ? AND claimant = ? AND NOT done""")) {
            ps.setObject(1, jobId);
            ps.setObject(2, claimant);
            return ps.executeUpdate();
        }
    }

    /**
     * The invocation's mini-batches, how many are done, their bad rows, how many runners scored them, and
     * whether the invocation's own job still wants them (queued or running, and no cancellation asked for).
     */
    public static Status status(Connection c, UUID jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT count(m.mini_batch) AS mini_batches, count(m.mini_batch) FILTER (WHERE m.done) AS done,
                       coalesce(sum(m.bad_rows) FILTER (WHERE m.done), 0) AS bad_rows,
                       count(DISTINCT m.worker_id) FILTER (WHERE m.done) AS runners,
                       (SELECT j.state IN ('queued', 'running') AND NOT j.cancel_requested FROM job j WHERE j.id = ?)
                           AS active
                FROM batch_mini_batch m WHERE m.job_id = ?""")) {
            ps.setObject(1, jobId);
            ps.setObject(2, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Status(rs.getInt("mini_batches"), rs.getInt("done"), rs.getLong("bad_rows"),
                        rs.getInt("runners"), rs.getBoolean("active"));
            }
        }
    }

    /** The done mini-batches of a job, in order, with the runner that scored each and how often it was claimed. */
    public static List<Finished> finished(Connection c, UUID jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT mini_batch, worker_id, claims FROM batch_mini_batch WHERE job_id = ? AND done
                ORDER BY mini_batch""")) {
            ps.setObject(1, jobId);
            List<Finished> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Finished(rs.getInt("mini_batch"), rs.getString("worker_id"), rs.getInt("claims")));
                }
            }
            return rows;
        }
    }
}
