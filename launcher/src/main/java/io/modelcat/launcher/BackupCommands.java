package io.modelcat.launcher;

import io.modelcat.migrations.SchemaMigrations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code ./modelcat backup <file>} and {@code ./modelcat restore <file>}: the database (DATABASE_URL, else the
 * embedded one of MODELCAT_HOME, started for the while if it is not running) and the home's data folders.
 */
final class BackupCommands {

    private final Map<String, String> env;
    private final Path home;

    BackupCommands(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    /** Backs the system up into {@code archive}; it may run meanwhile. */
    void backup(Path archive) throws Exception {
        try (Target target = open(false)) {
            Console.say("Backing up " + target.description + " and the data folders of " + home + " ...");
            BackupManifest manifest = SystemBackup.write(target.connection, home, archive);
            long rows = manifest.tables().stream().mapToLong(BackupManifest.Table::rows).sum();
            long bytes = manifest.files().stream().mapToLong(BackupManifest.DataFile::size).sum();
            Console.say("Backed up " + manifest.tables().size() + " tables (" + rows + " rows, schema version "
                    + manifest.schemaVersion() + ") and " + manifest.files().size() + " files (" + (bytes >> 20)
                    + " MiB) into " + archive.toAbsolutePath() + " (" + (Files.size(archive) >> 20) + " MiB)");
        }
    }

    /** Restores {@code archive} into a new home (and an empty database); on failure, leaves nothing behind. */
    void restore(Path archive) throws Exception {
        if (!Files.isRegularFile(archive)) {
            throw new IllegalArgumentException(archive + " is not a file");
        }
        boolean homeWasThere = Files.exists(home);
        if (homeWasThere) {
            try (Stream<Path> entries = Files.list(home)) {
                if (entries.anyMatch(p -> !p.getFileName().toString().equals("logs"))) {
                    throw new IllegalArgumentException("MODELCAT_HOME " + home + " is not empty: restore into a new "
                            + "home (set MODELCAT_HOME to a folder that does not exist yet), then start ModelCat there");
                }
            }
        }
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            BackupManifest manifest = SystemRestore.manifest(zip);
            try (Target target = open(true)) {
                Console.say("Restoring " + archive + " (made " + manifest.createdAt() + ", schema version "
                        + manifest.schemaVersion() + ") into " + target.description + " and " + home + " ...");
                SchemaMigrations.migrateTo(target.dataSource, manifest.schemaVersion());
                String migrated = SystemBackup.schemaVersion(target.connection);
                if (!migrated.equals(manifest.schemaVersion())) {
                    throw new IllegalStateException("the backup is of schema version " + manifest.schemaVersion()
                            + ", newer than this ModelCat knows (" + migrated + "): restore it with that version");
                }
                SystemRestore.loadTables(zip, manifest, target.connection);
                SystemRestore.extractFiles(zip, manifest, home);
            }
            Console.say("Restored " + manifest.tables().size() + " tables and " + manifest.files().size()
                    + " files. Start ModelCat with MODELCAT_HOME=" + home + " and the same MODELCAT_SECRET_KEY "
                    + "(or secret.key) as the backed-up system, so that its stored secrets can be read.");
        } catch (Exception e) {
            // The home was new (or held only logs): what the restore made of it goes, the embedded database too.
            deleteHomeData(homeWasThere);
            String url = env.get("DATABASE_URL");
            if (url != null && !url.isBlank()) {
                Console.warn("The restore failed; the database at " + url + " may hold ModelCat's schema without "
                        + "rows now: drop and create it again before the next try.");
            }
            throw e;
        }
    }

    private void deleteHomeData(boolean keepHome) throws IOException {
        if (!Files.exists(home)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(home)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (keepHome && (p.equals(home) || p.startsWith(home.resolve("logs")))) {
                    continue;
                }
                Files.deleteIfExists(p);
            }
        }
    }

    /** The database to back up or restore into: DATABASE_URL's, or the home's embedded one. */
    private Target open(boolean mustBeEmpty) throws Exception {
        String url = env.get("DATABASE_URL");
        String user = env.getOrDefault("DATABASE_USER", "postgres");
        String password = env.getOrDefault("DATABASE_PASSWORD", "");
        EmbeddedDatabase started = null;
        String description;
        if (url == null || url.isBlank()) {
            int port = LocalSystem.intSetting(env, "MODELCAT_EMBEDDED_DB_PORT", LocalSystem.EMBEDDED_DB_PORT);
            EmbeddedDatabase embedded = new EmbeddedDatabase(home.resolve("postgres"), port);
            if (!embedded.alive()) {
                embedded.start();
                started = embedded;
            }
            url = embedded.jdbcUrl();
            user = "postgres";
            password = "";
            description = "the embedded PostgreSQL of " + home;
        } else {
            description = url;
        }
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        Connection connection = DriverManager.getConnection(url, user, password);
        if (mustBeEmpty && !SystemBackup.tables(connection).isEmpty()) {
            connection.close();
            if (started != null) {
                started.stop(Duration.ofSeconds(30));
            }
            throw new IllegalArgumentException(description + " already holds tables: restore into an empty database");
        }
        return new Target(connection, dataSource, description, started);
    }

    private record Target(Connection connection, PGSimpleDataSource dataSource, String description,
                          EmbeddedDatabase started) implements AutoCloseable {

        @Override
        public void close() throws SQLException {
            try {
                connection.close();
            } finally {
                if (started != null) {
                    started.stop(Duration.ofSeconds(30));
                }
            }
        }
    }
}
