package io.modelcat.launcher;

import java.util.List;

/**
 * What a backup archive holds, written as {@code manifest.json} in it: the schema version its tables were dumped
 * at, each table with its row count and the SHA-256 of its dump, and each file of the home's data folders with its
 * size and SHA-256. A restore checks every one of them.
 */
record BackupManifest(int format, String createdAt, String schemaVersion, List<Table> tables, List<DataFile> files) {

    static final int FORMAT = 1;
    static final String ENTRY = "manifest.json";

    /** A table's rows, in PostgreSQL's COPY text format, at {@code database/<name>.copy} in the archive. */
    record Table(String name, long rows, String sha256) {

        String entry() {
            return "database/" + name + ".copy";
        }
    }

    /** A file under MODELCAT_HOME ({@code path} relative to it, with '/'), at {@code home/<path>} in the archive. */
    record DataFile(String path, long size, String sha256) {

        String entry() {
            return "home/" + path;
        }
    }
}
