package io.modelcat.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.postgresql.PGConnection;

/**
 * Restores a {@link SystemBackup} archive into a database whose schema was just migrated to the backup's version
 * (and holds no rows) and into a new home: every table in one transaction, every file checked against its digest.
 */
final class SystemRestore {

    private SystemRestore() {
    }

    /** Reads the archive's manifest; fails with a clear message on anything that is not a ModelCat backup. */
    static BackupManifest manifest(ZipFile zip) throws IOException {
        ZipEntry entry = zip.getEntry(BackupManifest.ENTRY);
        if (entry == null) {
            throw new IllegalArgumentException(zip.getName() + " is not a ModelCat backup: it has no "
                    + BackupManifest.ENTRY);
        }
        BackupManifest manifest;
        try (InputStream in = zip.getInputStream(entry)) {
            manifest = SystemBackup.JSON.readValue(in, BackupManifest.class);
        }
        if (manifest.format() != BackupManifest.FORMAT) {
            throw new IllegalArgumentException(zip.getName() + " is a backup of format " + manifest.format()
                    + "; this ModelCat reads format " + BackupManifest.FORMAT);
        }
        return manifest;
    }

    /** Loads every table of the backup into {@code db}, in one transaction; checks row counts and digests. */
    static void loadTables(ZipFile zip, BackupManifest manifest, Connection db) throws IOException, SQLException {
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            // Rows come table by table, not in the order of their references: the constraints are whole again
            // at the end, when every table is in.
            s.execute("SET session_replication_role = replica");
            List<String> present = SystemBackup.tables(db);
            // The migrations seed rows (the sample catalog); the backup holds what the system had instead.
            s.execute("TRUNCATE " + String.join(", ", present.stream().map(SystemBackup::quote).toList()));
            for (BackupManifest.Table table : manifest.tables()) {
                if (!present.contains(table.name())) {
                    throw new IllegalStateException("the backup has table " + table.name()
                            + ", which the schema at version " + manifest.schemaVersion() + " lacks");
                }
                ZipEntry entry = zip.getEntry(table.entry());
                if (entry == null) {
                    throw new IllegalArgumentException("the backup lacks " + table.entry());
                }
                MessageDigest sha = SystemBackup.sha256();
                long rows;
                try (InputStream in = new DigestInputStream(zip.getInputStream(entry), sha)) {
                    rows = db.unwrap(PGConnection.class).getCopyAPI()
                            .copyIn("COPY " + SystemBackup.quote(table.name()) + " FROM STDIN", in);
                }
                check(table.entry(), table.sha256(), sha);
                if (rows != table.rows()) {
                    throw new IllegalStateException(table.entry() + " holds " + rows + " rows; the manifest says "
                            + table.rows());
                }
            }
            s.execute("SET session_replication_role = DEFAULT");
            resetSequences(s);
            db.commit();
        } catch (IOException | SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        }
    }

    /** Each sequence continues after the highest value its column holds. */
    private static void resetSequences(Statement s) throws SQLException {
        List<String[]> owned = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("""
                SELECT seq.relname, tab.relname, col.attname
                FROM pg_class seq
                JOIN pg_depend dep ON dep.objid = seq.oid AND dep.deptype IN ('a', 'i')
                JOIN pg_class tab ON tab.oid = dep.refobjid
                JOIN pg_attribute col ON col.attrelid = tab.oid AND col.attnum = dep.refobjsubid
                WHERE seq.relkind = 'S' AND seq.relnamespace = current_schema()::regnamespace""")) {
            while (rs.next()) {
                owned.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        for (String[] o : owned) {
            s.execute("SELECT setval('" + SystemBackup.quote(o[0]).replace("'", "''") + "', coalesce(max("
                    + SystemBackup.quote(o[2]) + "), 0) + 1, false) FROM " + SystemBackup.quote(o[1]));
        }
    }

    /** Writes every file of the backup under {@code home}, each checked against its size and digest. */
    static void extractFiles(ZipFile zip, BackupManifest manifest, Path home) throws IOException {
        Path root = home.toAbsolutePath().normalize();
        for (BackupManifest.DataFile file : manifest.files()) {
            Path target = root.resolve(file.path()).normalize();
            if (!target.startsWith(root) || SystemBackup.DATA_FOLDERS.stream().noneMatch(
                    folder -> target.startsWith(root.resolve(folder)))) {
                throw new IllegalArgumentException("the backup names a file outside the data folders: " + file.path());
            }
            ZipEntry entry = zip.getEntry(file.entry());
            if (entry == null) {
                throw new IllegalArgumentException("the backup lacks " + file.entry());
            }
            Files.createDirectories(target.getParent());
            MessageDigest sha = SystemBackup.sha256();
            long size;
            try (InputStream in = new DigestInputStream(zip.getInputStream(entry), sha);
                 OutputStream out = Files.newOutputStream(target)) {
                size = in.transferTo(out);
            }
            check(file.entry(), file.sha256(), sha);
            if (size != file.size()) {
                throw new IllegalStateException(file.entry() + " has " + size + " bytes; the manifest says "
                        + file.size());
            }
        }
    }

    private static void check(String entry, String expected, MessageDigest sha) {
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(expected)) {
            throw new IllegalStateException(entry + " is damaged: its SHA-256 is " + actual + ", the manifest says "
                    + expected);
        }
    }
}
