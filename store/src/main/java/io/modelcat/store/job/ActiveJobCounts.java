package io.modelcat.store.job;

import io.modelcat.jobs.JobState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** How many jobs are queued and running, by kind and device: what the services' job gauges show. */
public final class ActiveJobCounts {

    /** One group's count: a job kind's wire name, a device kind ({@code cpu}, {@code gpu}) and a state. */
    public record Count(String kind, String device, JobState state, long jobs) {
    }

    private ActiveJobCounts() {
    }

    /**
     * Counts the queued and running jobs (groups with none are absent). Reads through the partial index of queued
     * jobs and the state index, never the finished ones.
     */
    public static List<Count> read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT kind, device_kind, state, count(*) AS jobs FROM job
                WHERE state IN (?, ?) GROUP BY kind, device_kind, state""")) {
            ps.setString(1, JobState.QUEUED.wireName());
            ps.setString(2, JobState.RUNNING.wireName());
            List<Count> counts = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.add(new Count(rs.getString("kind"), rs.getString("device_kind"),
                            JobState.fromWireName(rs.getString("state")).orElseThrow(), rs.getLong("jobs")));
                }
            }
            return counts;
        }
    }
}
