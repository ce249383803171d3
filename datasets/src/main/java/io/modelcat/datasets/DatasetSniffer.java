package io.modelcat.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a whole dataset once, streaming, and profiles it: columns and types, row count, bad rows, preview. */
public final class DatasetSniffer {

    /** How many rows the preview holds. */
    public static final int PREVIEW_ROWS = 50;
    /** How many bad records are kept with their reasons (all are counted). */
    public static final int REPORTED_BAD_ROWS = 20;

    private final int maxRecordBytes;
    private final long maxRows;

    /** A sniffer without a row limit. */
    public DatasetSniffer(int maxRecordBytes) {
        this(maxRecordBytes, Long.MAX_VALUE);
    }

    /** A sniffer that refuses files of more than {@code maxRows} rows, as soon as it reads one more. */
    public DatasetSniffer(int maxRecordBytes, long maxRows) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxRows = maxRows;
    }

    public DatasetProfile sniff(Path file, DatasetFormat format) throws IOException {
        return sniff(Files.newInputStream(file), format);
    }

    /**
     * Profiles the stream (and closes it).
     *
     * @throws DatasetFormatException when the file cannot be read as this format, is empty, or holds no column
     */
    public DatasetProfile sniff(InputStream in, DatasetFormat format) throws IOException {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        Map<String, Long> present = new LinkedHashMap<>();
        List<Map<String, Object>> preview = new ArrayList<>();
        List<BadRow> badRows = new ArrayList<>();
        long rows = 0;
        long bad = 0;
        try (DatasetReader reader = DatasetReader.open(in, format, maxRecordBytes)) {
            if (reader instanceof DelimitedReader delimited) {
                for (String name : delimited.header()) {
                    types.put(name, null);
                    present.put(name, 0L);
                }
            }
            for (Row row = reader.next(); row != null; row = reader.next()) {
                if (row.isBad()) {
                    bad++;
                    if (badRows.size() < REPORTED_BAD_ROWS) {
                        badRows.add(new BadRow(row.line(), row.problem()));
                    }
                    continue;
                }
                if (++rows > maxRows) {
                    throw new DatasetFormatException(row.line(), "the file has more than " + maxRows
                            + " rows, the most a dataset may hold (modelcat.datasets.max-rows)");
                }
                for (Map.Entry<String, Object> e : row.values().entrySet()) {
                    ColumnType type = ColumnType.of(e.getValue());
                    types.put(e.getKey(), types.containsKey(e.getKey()) ? ColumnType.unify(types.get(e.getKey()), type) : type);
                    if (e.getValue() != null) {
                        present.merge(e.getKey(), 1L, Long::sum);
                    }
                }
                if (preview.size() < PREVIEW_ROWS) {
                    preview.add(row.values());
                }
            }
        }
        if (rows == 0 && bad == 0) {
            throw new DatasetFormatException(0, types.isEmpty() ? "the file is empty: it holds no rows"
                    : "the file has a header but no rows");
        }
        if (rows == 0) {
            BadRow first = badRows.get(0);
            throw new DatasetFormatException(0, "the file has no readable rows: all " + bad + " records are bad, the first at line "
                    + first.line() + ": " + first.reason());
        }
        if (types.isEmpty()) {
            throw new DatasetFormatException(0, "the rows have no columns (every object is empty)");
        }
        List<Column> columns = new ArrayList<>();
        for (Map.Entry<String, ColumnType> e : types.entrySet()) {
            long withValue = present.getOrDefault(e.getKey(), 0L);
            // No typed value: only nulls, or only empty lists (which fit any list type).
            ColumnType type = e.getValue() != null ? e.getValue() : withValue > 0 ? ColumnType.LIST : ColumnType.NULL;
            columns.add(new Column(e.getKey(), type, rows - withValue));
        }
        return new DatasetProfile(format, List.copyOf(columns), rows, bad, List.copyOf(badRows), List.copyOf(preview));
    }
}
