package io.modelcat.datasets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hand-made dataset files for tests. */
final class DatasetFiles {

    private DatasetFiles() {
    }

    static InputStream text(String content) {
        return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
    }

    static InputStream bytes(byte[] content) {
        return new ByteArrayInputStream(content);
    }

    static List<Row> readAll(String content, DatasetFormat format) throws IOException {
        return readAll(text(content), format, DatasetReader.DEFAULT_MAX_RECORD_BYTES);
    }

    static List<Row> readAll(InputStream in, DatasetFormat format, int max) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (DatasetReader reader = DatasetReader.open(in, format, max)) {
            for (Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }
}
