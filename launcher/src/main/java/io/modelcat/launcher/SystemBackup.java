package io.modelcat.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.postgresql.PGConnection;

/**
 * Writes a backup of a ModelCat system into one zip archive: every table of the database from one consistent
 * snapshot (COPY, in a repeatable-read transaction, so the system may keep running), then the model store, the
 * datasets and the batch outputs under MODELCAT_HOME, then the manifest. The archive appears under its name only
 * when complete. Secrets stay encrypted in it: the secret key is not in it, and reading them after a restore needs
 * the same key.
 */
final class SystemBackup {

    /** The folders of MODELCAT_HOME that hold data (the rest is logs, scratch space and the database's own files). */
    static final List<String> DATA_FOLDERS = List.of("models", "datasets", "batch-outputs");
    /** Flyway's own table: a restore makes it again by migrating to the backup's version. */
    static final String SCHEMA_HISTORY = "flyway_schema_history";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SystemBackup() {
    }

    /** Backs up the database behind {@code db} and the data folders of {@code home} into {@code archive}. */
    static BackupManifest write(Connection db, Path home, Path archive) throws IOException, SQLException {
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        try {
            BackupManifest manifest;
            try (OutputStream out = Files.newOutputStream(partial); ZipOutputStream zip = new ZipOutputStream(out)) {
                db.setAutoCommit(false);
                db.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                db.setReadOnly(true);
                String version = schemaVersion(db);
                List<BackupManifest.Table> tables = new ArrayList<>();
                for (String table : tables(db)) {
                    tables.add(dumpTable(db, table, zip));
                }
                db.commit();
                List<BackupManifest.DataFile> files = new ArrayList<>();
                for (String folder : DATA_FOLDERS) {
                    Path dir = home.resolve(folder);
                    if (Files.isDirectory(dir)) {
                        try (Stream<Path> walk = Files.walk(dir)) {
                            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                                try {
                                    files.add(storeFile(home, file, zip));
                                } catch (NoSuchFileException e) {
                                    // a temporary file that its writer renamed or removed meanwhile
                                }
                            }
                        }
                    }
                }
                manifest = new BackupManifest(BackupManifest.FORMAT, Instant.now().toString(), version, tables, files);
                zip.putNextEntry(new ZipEntry(BackupManifest.ENTRY));
                zip.write(JSON.writeValueAsBytes(manifest));
                zip.closeEntry();
            }
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return manifest;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The latest schema migration applied, as Flyway numbers it. */
    static String schemaVersion(Connection db) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM "
                + SCHEMA_HISTORY + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
            if (!rs.next()) {
                throw new IllegalStateException("the database has no ModelCat schema (no applied migration)");
            }
            return rs.getString(1);
        }
    }

    /** ModelCat's tables (Quartz's included), Flyway's own left out, by name. */
    static List<String> tables(Connection db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '"""
                + SCHEMA_HISTORY + "' ORDER BY tablename")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static BackupManifest.Table dumpTable(Connection db, String table, ZipOutputStream zip)
            throws IOException, SQLException {
        BackupManifest.Table at = new BackupManifest.Table(table, 0, null);
        zip.putNextEntry(new ZipEntry(at.entry()));
        MessageDigest sha = sha256();
        DigestOutputStream out = new DigestOutputStream(new NonClosing(zip), sha);
        long rows = db.unwrap(PGConnection.class).getCopyAPI()
                .copyOut("COPY " + quote(table) + " TO STDOUT", out);
        out.flush();
        zip.closeEntry();
        return new BackupManifest.Table(table, rows, HexFormat.of().formatHex(sha.digest()));
    }

    /** A file stored as it is (model weights do not compress), its CRC and digest read first. */
    private static BackupManifest.DataFile storeFile(Path home, Path file, ZipOutputStream zip) throws IOException {
        MessageDigest sha = sha256();
        CRC32 crc = new CRC32();
        long size = 0;
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; size += n) {
                sha.update(buffer, 0, n);
                crc.update(buffer, 0, n);
            }
        }
        String relative = home.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        BackupManifest.DataFile entry = new BackupManifest.DataFile(relative, size,
                HexFormat.of().formatHex(sha.digest()));
        ZipEntry zipEntry = new ZipEntry(entry.entry());
        zipEntry.setMethod(ZipEntry.STORED);
        zipEntry.setSize(size);
        zipEntry.setCompressedSize(size);
        zipEntry.setCrc(crc.getValue());
        zip.putNextEntry(zipEntry);
        try (InputStream in = Files.newInputStream(file)) {
            long copied = in.transferTo(zip);
            if (copied != size) {
                throw new IOException(file + " changed while it was backed up");
            }
        }
        zip.closeEntry();
        return entry;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** The zip stream, which the COPY must not close (the next entry follows). */
    private static final class NonClosing extends java.io.FilterOutputStream {

        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
