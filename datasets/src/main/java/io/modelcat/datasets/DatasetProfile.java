package io.modelcat.datasets;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What sniffing found in a dataset file: its columns in order of first appearance, how many rows it
 * holds, how many records were bad (with the first few of them), and the first rows as a preview.
 */
public record DatasetProfile(DatasetFormat format, List<Column> columns, long rowCount, long badRowCount,
                             List<BadRow> badRows, List<Map<String, Object>> preview) {

    public Optional<Column> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
