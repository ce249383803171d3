package io.modelcat.launcher;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * The embedded PostgreSQL that keeps ModelCat's data under {@code MODELCAT_HOME/postgres}. Unlike the test
 * suite's, it is durable: fsync, synchronous commit and full-page writes are on, so that an operating-system crash
 * or a power loss cannot lose an acknowledged write or corrupt the catalog. It can be started again after it died
 * (its crash recovery replays the write-ahead log).
 */
final class EmbeddedDatabase implements Supervised {

    /** The database the services use, made on first start. */
    static final String DATABASE = "modelcat";

    private final Path dataDirectory;
    private final int port;
    private final boolean durable;
    private final int sharedBuffersMb;
    private EmbeddedPostgres postgres;
    private volatile String lastExit = "running";

    EmbeddedDatabase(Path dataDirectory, int port) {
        this(dataDirectory, port, true, defaultSharedBuffersMb());
    }

    /**
     * {@code durable} false: no fsync (a crash of the machine may corrupt the data), for throwaway systems.
     * {@code sharedBuffersMb}: PostgreSQL's own page cache ({@code shared_buffers}).
     */
    EmbeddedDatabase(Path dataDirectory, int port, boolean durable, int sharedBuffersMb) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.durable = durable;
        this.sharedBuffersMb = sharedBuffersMb;
    }

    /**
     * An eighth of the machine's memory, between 128 MiB (PostgreSQL's own default) and 2 GiB: a catalog of a million
     * cards (1.7 GB with its indexes) then reads its pages from PostgreSQL's cache instead of asking the kernel for
     * each (a search reading 11,000 pages took twice as long through the kernel's cache).
     */
    static int defaultSharedBuffersMb() {
        long total = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return (int) Math.max(128, Math.min(2048, total / 8 / (1024 * 1024)));
    }

    @Override
    public String name() {
        return "postgresql";
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    @Override
    public synchronized void start() throws IOException, SQLException {
        release();
        Files.createDirectories(dataDirectory);
        // The library starts the server with -F (fsync off, for tests); -c settings come after it and win.
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("fsync", durable ? "on" : "off")
                .setServerConfig("synchronous_commit", durable ? "on" : "off")
                .setServerConfig("full_page_writes", durable ? "on" : "off")
                .setServerConfig("shared_buffers", sharedBuffersMb + "MB")
                .setPGStartupWait(Duration.ofSeconds(120))
                .start();
        lastExit = "running";
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + DATABASE);
                }
            }
        }
    }

    @Override
    public boolean alive() {
        return pid().isPresent();
    }

    @Override
    public String exitDescription() {
        return lastExit;
    }

    /** The postmaster's process id, from the {@code postmaster.pid} file it writes, while that process runs. */
    @Override
    public OptionalLong pid() {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
            long pid = Long.parseLong(lines.get(0).trim());
            boolean running = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
            if (!running) {
                lastExit = "its process " + pid + " is gone";
            }
            return running ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            lastExit = "no postmaster.pid";
            return OptionalLong.empty();
        }
    }

    /** A killed server whose parent has not collected it yet still has a pid, but is gone: Linux says so. */
    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public synchronized void stop(Duration grace) {
        OptionalLong pid = pid();
        release();
        // pg_ctl stop (fast) waits for the server; a server that is still there after the grace period is killed.
        pid.stream().mapToObj(ProcessHandle::of).flatMap(java.util.Optional::stream).forEach(p -> {
            try {
                p.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
    }

    /** Lets go of the library's handle (stopping the server if it runs), so that a new one can take the folder. */
    private void release() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException | RuntimeException e) {
                Console.warn("While releasing the embedded PostgreSQL: " + e.getMessage());
            }
            postgres = null;
        }
    }
}
