package io.modelcat.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's own PostgreSQL: durable settings, and no acknowledged write lost when it is killed mid-burst. */
class EmbeddedDatabaseTest {

    private static final int WRITERS = 4;

    @TempDir
    Path home;

    private EmbeddedDatabase db;

    @AfterEach
    void stop() {
        if (db != null) {
            db.stop(Duration.ofSeconds(10));
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesAKillDuringABurstOfWrites() throws Exception {
        db = new EmbeddedDatabase(home.resolve("postgres"), freePort());
        db.start();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertThat(setting(s, "fsync")).isEqualTo("on");
            assertThat(setting(s, "synchronous_commit")).isEqualTo("on");
            assertThat(setting(s, "full_page_writes")).isEqualTo("on");
            try (ResultSet rs = s.executeQuery("SELECT pg_size_bytes(current_setting('shared_buffers')) / 1048576")) {
                rs.next();
                assertThat(rs.getInt(1)).as("an eighth of the memory, 128 MB to 2 GB")
                        .isEqualTo(EmbeddedDatabase.defaultSharedBuffersMb()).isBetween(128, 2048);
            }
            s.execute("CREATE TABLE burst (id bigint PRIMARY KEY, writer int NOT NULL, payload text NOT NULL)");
            s.execute("CREATE INDEX burst_writer ON burst (writer, id)");
        }

        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean keepWriting = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(pool.submit(() -> write(writer, acknowledged, keepWriting)));
        }
        while (acknowledged.size() < 2_000) {
            Thread.sleep(20);
        }
        long postmaster = db.pid().orElseThrow();
        ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
        for (Future<Integer> writer : writers) {
            writer.get(60, TimeUnit.SECONDS);
        }
        keepWriting.set(false);
        pool.shutdown();
        for (int i = 0; i < 100 && db.alive(); i++) {
            Thread.sleep(100);
        }
        assertThat(db.alive()).isFalse();

        // As the supervisor does: start it again on the same folder; crash recovery replays the log.
        db.start();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            Set<Long> stored = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT id, writer, payload FROM burst")) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    assertThat(rs.getString(3)).isEqualTo(payload(id, rs.getInt(2)));
                    stored.add(id);
                }
            }
            assertThat(stored).containsAll(acknowledged);
            // The indexes agree with the table: the same rows through each access path.
            s.execute("SET enable_seqscan = off");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM burst WHERE writer >= 0")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(stored.size());
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM burst WHERE id >= 0")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(stored.size());
            }
        }
    }

    /** Inserts rows one transaction each until the server goes away; answers how many were acknowledged. */
    private int write(int writer, Set<Long> acknowledged, AtomicBoolean keepWriting) {
        int done = 0;
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO burst (id, writer, payload) VALUES (?, ?, ?)")) {
            for (long n = 0; keepWriting.get(); n++) {
                long id = n * WRITERS + writer;
                ps.setLong(1, id);
                ps.setInt(2, writer);
                ps.setString(3, payload(id, writer));
                ps.executeUpdate();
                acknowledged.add(id);
                done++;
            }
        } catch (SQLException e) {
            // the server was killed: the write in flight is not acknowledged
        }
        return done;
    }

    private static String payload(long id, int writer) {
        return "row " + id + " of writer " + writer + " " + "x".repeat((int) (id % 97));
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), "postgres", "");
    }

    private static String setting(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
