package io.modelcat.runner.bulk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.runtime.server.EmbeddedServer;
import io.modelcat.runner.RunnerContexts;
import io.modelcat.runner.execute.JobCancelledException;
import io.modelcat.store.Database;
import io.modelcat.store.flow.BulkTests.AnswerRow;
import io.modelcat.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A bulk test's rows kept together: each caller returns once its row is committed, and failures reach the callers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RowKeeperTest {

    private EmbeddedServer runner;
    private Database db;
    private UUID test;

    @BeforeAll
    void start() {
        TestDatabase.shared().truncateAll();
        runner = RunnerContexts.start(Map.of());
        db = runner.getApplicationContext().getBean(Database.class);
    }

    @AfterAll
    void stop() {
        runner.close();
    }

    @BeforeEach
    void aBulkTest() throws SQLException {
        test = UUID.randomUUID();
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO bulk_test (id, flow_name, dataset_id, spec, job_id) "
                     + "VALUES (?, 'f', gen_random_uuid(), '{}', gen_random_uuid())")) {
            ps.setObject(1, test);
            ps.executeUpdate();
        }
    }

    private static AnswerRow row(int number, String output) {
        return new AnswerRow("default", number, Map.of("q", "question " + number), Map.of("output", output), List.of(),
                null, 5, 1, 1, null, Map.of());
    }

    @Test
    void rowsFromManyThreadsAreEachCommittedBeforeTheirCallerGoesOn() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try (RowKeeper keeper = new RowKeeper(db, test, "rows")) {
            List<Future<List<Integer>>> threads = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t;
                threads.add(callers.submit(() -> {
                    List<Integer> notThere = new ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        int number = thread * 40 + i;
                        keeper.keep(row(number, "answer " + number));
                        // Another connection sees it: the row is committed, not merely handed over.
                        if (!outputs().containsKey(number)) {
                            notThere.add(number);
                        }
                    }
                    return notThere;
                }));
            }
            for (Future<List<Integer>> thread : threads) {
                assertThat(thread.get()).isEmpty();
            }
        } finally {
            callers.shutdownNow();
        }
        Map<Integer, String> kept = outputs();
        assertThat(kept).hasSize(16 * 40);
        assertThat(kept.get(123)).isEqualTo("answer 123");
    }

    @Test
    void aRowKeptByAnEarlierAttemptIsLeftAsItIsAndTheOthersInItsBatchAreKept() throws Exception {
        try (RowKeeper keeper = new RowKeeper(db, test, "rows")) {
            keeper.keep(row(5, "first attempt"));
        }
        ExecutorService callers = Executors.newFixedThreadPool(10);
        try (RowKeeper keeper = new RowKeeper(db, test, "rows")) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int number = i;
                calls.add(callers.submit(() -> {
                    keeper.keep(row(number, "second attempt"));
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            callers.shutdownNow();
        }
        Map<Integer, String> kept = outputs();
        assertThat(kept).hasSize(10).containsEntry(5, "first attempt").containsEntry(4, "second attempt");
    }

    @Test
    void aFailedWriteReachesEveryCallerAndNoLaterRowWaitsForever() throws Exception {
        TestDatabase.shared().executeHere("DELETE FROM bulk_test WHERE id = '" + test + "'");
        try (RowKeeper keeper = new RowKeeper(db, test, "rows")) {
            assertThatThrownBy(() -> keeper.keep(row(1, "a"))).isInstanceOf(RuntimeException.class)
                    .isNotInstanceOf(JobCancelledException.class);
            assertThatThrownBy(() -> keeper.keep(row(2, "b"))).isInstanceOf(RuntimeException.class)
                    .isNotInstanceOf(JobCancelledException.class);
        }
        assertThat(outputs()).isEmpty();
    }

    @Test
    void aRowHandedOverAfterCloseIsNotKeptAndItsCallerIsToldSo() throws Exception {
        RowKeeper keeper = new RowKeeper(db, test, "rows");
        keeper.keep(row(1, "kept"));
        keeper.close();
        assertThatThrownBy(() -> keeper.keep(row(2, "too late"))).isInstanceOf(JobCancelledException.class);
        assertThat(outputs()).containsOnlyKeys(1);
    }

    private Map<Integer, String> outputs() throws SQLException {
        Map<Integer, String> outputs = new java.util.HashMap<>();
        try (Connection c = TestDatabase.shared().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT row_number, outputs ->> 'output' FROM bulk_test_row WHERE bulk_test_id = ?")) {
            ps.setObject(1, test);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    outputs.put(rs.getInt(1), rs.getString(2));
                }
            }
        }
        return outputs;
    }
}
