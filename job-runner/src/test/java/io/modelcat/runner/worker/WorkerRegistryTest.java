package io.modelcat.runner.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.runner.RunnerContexts;
import io.modelcat.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkerRegistryTest {

    @BeforeEach
    void empty() {
        TestDatabase.shared().truncateAll();
    }

    @Test
    void twoRunnersRegisterJoinTheQuartzClusterAndLeaveCleanly() throws Exception {
        try (EmbeddedServer first = RunnerContexts.start(Map.of());
             EmbeddedServer second = RunnerContexts.start(Map.of("modelcat.runner.cpu-cores", "3"))) {
            String firstId = first.getApplicationContext().getBean(WorkerIdentity.class).id();
            String secondId = second.getApplicationContext().getBean(WorkerIdentity.class).id();

            assertThat(query("SELECT id FROM worker ORDER BY id")).containsExactlyInAnyOrder(firstId, secondId);
            assertThat(query("SELECT instance_name FROM qrtz_scheduler_state WHERE sched_name = 'modelcat-cpu'"))
                    .contains(firstId, secondId);
            assertThat(query("SELECT cpu_cores::text FROM worker WHERE id = '" + firstId + "'"))
                    .containsExactly(Integer.toString(Runtime.getRuntime().availableProcessors()));
            assertThat(query("SELECT cpu_cores::text FROM worker WHERE id = '" + secondId + "'"))
                    .as("the cores it was told to offer").containsExactly("3");

            first.stop();
            assertThat(query("SELECT id FROM worker")).containsExactly(secondId);
        }
        assertThat(query("SELECT id FROM worker")).isEmpty();
    }

    @Test
    void heartbeatPrunesWorkersThatStoppedBeating() throws Exception {
        TestDatabase.shared().executeHere("INSERT INTO worker (id, host, cpu_cores, memory_bytes, heartbeat_at) "
                + "VALUES ('dead-one', 'gone', 4, 1024, now() - interval '10 minutes')");
        try (EmbeddedServer runner = RunnerContexts.start(Map.of("modelcat.runner.dead-after", "30s"))) {
            runner.getApplicationContext().getBean(WorkerRegistry.class).heartbeat();
            assertThat(query("SELECT id FROM worker"))
                    .containsExactly(runner.getApplicationContext().getBean(WorkerIdentity.class).id());
        }
    }

    private static List<String> query(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = TestDatabase.shared().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
