package io.modelcat.store.job;

import io.modelcat.jobs.JobState;
import io.modelcat.store.SqlValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one statement that changes a job's state:
 * {@code UPDATE job SET state = <target>, updated_at = now(), ... WHERE id = ? AND state = ANY (<from>) AND ...},
 * where {@code <from>} is {@link JobState#from(JobState)}: every state write of {@link Jobs} goes through here, so
 * none can make a transition the state machine does not allow. A write may narrow the states it starts from
 * ({@link #onlyFrom}) and add conditions, never widen them.
 */
final class JobStateChange {

    private final JobState target;
    private List<JobState> from;
    private final List<String> assignments = new ArrayList<>();
    private final List<Object> assignmentValues = new ArrayList<>();
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> conditionValues = new ArrayList<>();

    private JobStateChange(JobState target) {
        this.target = target;
        this.from = JobState.from(target);
    }

    /** A change to {@code target}, from any state that may move to it. */
    static JobStateChange to(JobState target) {
        return new JobStateChange(target);
    }

    /** Only from {@code state}, which must be one that may move to the target. */
    JobStateChange onlyFrom(JobState state) {
        if (!state.canMoveTo(target)) {
            throw new IllegalArgumentException("a job never moves from " + state.wireName() + " to " + target.wireName());
        }
        from = List.of(state);
        return this;
    }

    /** Also sets a column, e.g. {@code set("worker_id = ?", id)}. */
    JobStateChange set(String assignment, Object... values) {
        assignments.add(assignment);
        assignmentValues.addAll(Arrays.asList(values));
        return this;
    }

    /** Also requires a condition, e.g. {@code where("worker_id = ?", id)}. */
    JobStateChange where(String condition, Object... values) {
        conditions.add(condition);
        conditionValues.addAll(Arrays.asList(values));
        return this;
    }

    /** Applies the change to one job; 1 if it moved, 0 if its state (or a condition) did not allow it. */
    int apply(Connection c, UUID jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql(null))) {
            bind(c, ps, jobId);
            return ps.executeUpdate();
        }
    }

    /** Applies the change and reads {@code returning} of the moved row; empty if it did not move. */
    <T> Optional<T> apply(Connection c, UUID jobId, String returning, RowReader<T> reader) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql(returning))) {
            bind(c, ps, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(reader.read(rs)) : Optional.empty();
            }
        }
    }

    private String sql(String returning) {
        StringBuilder sql = new StringBuilder("UPDATE job SET state = ?, updated_at = now()");
        assignments.forEach(a -> sql.append(", ").append(a));
        sql.append(" WHERE id = ? AND state = ANY (?)");
        conditions.forEach(condition -> sql.append(" AND ").append(condition));
        if (returning != null) {
            sql.append(" RETURNING ").append(returning);
        }
        return sql.toString();
    }

    private void bind(Connection c, PreparedStatement ps, UUID jobId) throws SQLException {
        List<Object> params = new ArrayList<>();
        params.add(target.wireName());
        params.addAll(assignmentValues);
        params.add(jobId);
        params.add(from.stream().map(JobState::wireName).toList());
        params.addAll(conditionValues);
        SqlValues.bind(c, ps, params);
    }

    /** Reads a row that a statement returned. */
    @FunctionalInterface
    interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }
}
