package io.modelcat.catalog.worker;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import io.modelcat.store.DatabaseErrors;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Lists the runners whose heartbeat is recent, with what each runs. */
@Singleton
public class WorkerDirectory {

    private final TransactionOperations<Connection> tx;
    private final JsonMapper json;
    private final Duration deadAfter;

    public WorkerDirectory(TransactionOperations<Connection> tx, JsonMapper json,
                           @Value("${modelcat.workers.dead-after:30s}") Duration deadAfter) {
        this.tx = tx;
        this.json = json;
        this.deadAfter = deadAfter;
    }

    public List<WorkerView> live() {
        return tx.executeRead(status -> {
            try (PreparedStatement ps = status.getConnection().prepareStatement("""
                    SELECT w.id, w.host, w.cpu_cores, w.memory_bytes, w.gpus::text AS gpus, w.started_at, w.heartbeat_at,
                           w.runner_token_id, t.name AS runner_token_name,
                           coalesce(array_agg(j.id ORDER BY j.started_at) FILTER (WHERE j.id IS NOT NULL), '{}') AS jobs
                    FROM worker w LEFT JOIN job j ON j.worker_id = w.id AND j.state = 'running'
                    LEFT JOIN runner_token t ON t.id = w.runner_token_id
                    WHERE w.heartbeat_at > now() - make_interval(secs => ?)
                    GROUP BY w.id, t.name ORDER BY w.host, w.id""")) {
                ps.setDouble(1, deadAfter.toMillis() / 1000.0);
                List<WorkerView> workers = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Array jobs = rs.getArray("jobs");
                        workers.add(new WorkerView(rs.getString("id"), rs.getString("host"), rs.getInt("cpu_cores"),
                                rs.getLong("memory_bytes"),
                                json.readValue(rs.getString("gpus"), Argument.listOf(Argument.mapOf(String.class, Object.class))),
                                rs.getTimestamp("started_at").toInstant(), rs.getTimestamp("heartbeat_at").toInstant(),
                                Arrays.asList((UUID[]) jobs.getArray()),
                                rs.getObject("runner_token_id") == null ? null : new WorkerView.RunnerTokenRef(
                                        rs.getObject("runner_token_id", UUID.class), rs.getString("runner_token_name"))));
                    }
                }
                return workers;
            } catch (SQLException e) {
                throw DatabaseErrors.translate(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
