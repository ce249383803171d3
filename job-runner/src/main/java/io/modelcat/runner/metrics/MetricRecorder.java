package io.modelcat.runner.metrics;

import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Registers what jobs measure: values per step, epoch and split, and a sample of predictions. */
@Singleton
public class MetricRecorder {

    private final TransactionOperations<Connection> tx;
    private final JsonMapper json;

    public MetricRecorder(TransactionOperations<Connection> tx, JsonMapper json) {
        this.tx = tx;
        this.json = json;
    }

    /** Where measured values belong: the job, the model version measured, the dataset and the task. */
    public record Subject(UUID jobId, UUID modelVersionId, UUID datasetId, String task) {
    }

    /** One prediction of the sample kept for the UI. */
    public record Prediction(int rowIndex, Object input, Object expected, Object predicted) {
    }

    /** Records values of one split; {@code step} and {@code epoch} are null for final figures. */
    public void record(Subject subject, String split, Map<String, Double> values, Integer step, Integer epoch) {
        tx.executeWrite(status -> {
            try (PreparedStatement ps = status.getConnection().prepareStatement("""
                    INSERT INTO metric (job_id, model_id, model_version_id, dataset_id, task, split, name, value, step, epoch)
                    VALUES (?, (SELECT model_id FROM model_version WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (Map.Entry<String, Double> value : values.entrySet()) {
                    if (value.getValue() == null || value.getValue().isNaN() || value.getValue().isInfinite()) {
                        continue;
                    }
                    ps.setObject(1, subject.jobId());
                    ps.setObject(2, subject.modelVersionId());
                    ps.setObject(3, subject.modelVersionId());
                    ps.setObject(4, subject.datasetId());
                    ps.setString(5, subject.task());
                    ps.setString(6, split);
                    ps.setString(7, value.getKey());
                    ps.setDouble(8, value.getValue());
                    ps.setObject(9, step);
                    ps.setObject(10, epoch);
                    ps.addBatch();
                }
                ps.executeBatch();
                return null;
            } catch (SQLException e) {
                throw new IllegalStateException("could not record metrics: " + e.getMessage(), e);
            }
        });
    }

    /** Replaces the job's prediction sample. */
    public void predictions(UUID jobId, List<Prediction> predictions) {
        tx.executeWrite(status -> {
            Connection c = status.getConnection();
            try {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM prediction_sample WHERE job_id = ?")) {
                    ps.setObject(1, jobId);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO prediction_sample (job_id, row_index, input, expected, predicted)
                        VALUES (?, ?, ?::jsonb, ?::jsonb, ?::jsonb)""")) {
                    for (Prediction p : predictions) {
                        ps.setObject(1, jobId);
                        ps.setInt(2, p.rowIndex());
                        ps.setString(3, json.writeValueAsString(p.input()));
                        ps.setString(4, p.expected() == null ? null : json.writeValueAsString(p.expected()));
                        ps.setString(5, json.writeValueAsString(p.predicted()));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            } catch (SQLException e) {
                throw new IllegalStateException("could not record predictions: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
