package io.modelcat.datasets;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the records of a dataset file, one at a time, in file order. Whole-file problems (bad UTF-8, a
 * record over the size limit) throw {@link DatasetFormatException}; a bad record comes back as a bad
 * {@link Row} and reading goes on.
 */
public interface DatasetReader extends Closeable {

    /** 1 MiB: the default limit on one line or record. */
    int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

    /** The next record, or {@code null} at the end of the file. */
    Row next() throws IOException;

    static DatasetReader open(Path file, DatasetFormat format, int maxRecordBytes) throws IOException {
        return open(Files.newInputStream(file), format, maxRecordBytes);
    }

    /** Takes ownership of {@code in}: closing the reader closes it. */
    static DatasetReader open(InputStream in, DatasetFormat format, int maxRecordBytes) throws IOException {
        InputStream buffered = new BufferedInputStream(in, 1 << 16);
        return switch (format) {
            case CSV -> new DelimitedReader(new Utf8LineSource(buffered, maxRecordBytes), ',', maxRecordBytes);
            case TSV -> new DelimitedReader(new Utf8LineSource(buffered, maxRecordBytes), '\t', maxRecordBytes);
            case JSONL -> new JsonLinesReader(new Utf8LineSource(buffered, maxRecordBytes), maxRecordBytes);
            case JSON -> new JsonArrayReader(buffered, maxRecordBytes);
        };
    }
}
