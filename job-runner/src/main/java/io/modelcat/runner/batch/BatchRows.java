package io.modelcat.runner.batch;

import io.modelcat.datasets.DatasetReader;
import io.modelcat.datasets.Row;
import io.modelcat.jobs.spec.BatchScoreSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the scored dataset's records as {@link InputRow}s, in file order, through the input columns. */
final class BatchRows {

    private BatchRows() {
    }

    static List<InputRow> read(Path datasetsDir, BatchScoreSpec spec) {
        List<InputRow> rows = new ArrayList<>();
        try (DatasetReader reader = DatasetReader.open(spec.dataset().resolveIn(datasetsDir), spec.dataset().format(),
                16 << 20)) {
            long number = 0;
            for (Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row.isBad() ? new InputRow(number, Map.of(), "line " + row.line() + ": " + row.problem())
                        : inputs(number, row, spec.inputColumns()));
                number++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + spec.dataset().id() + ": " + e.getMessage(), e);
        }
        return rows;
    }

    private static InputRow inputs(long number, Row row, Map<String, String> columns) {
        Map<String, String> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : columns.entrySet()) {
            Object value = row.values().get(e.getValue());
            if (value instanceof Map || value instanceof List) {
                return new InputRow(number, Map.of(), "line " + row.line() + ": column '" + e.getValue()
                        + "' holds no text");
            }
            if (value != null && !value.toString().isBlank()) {
                inputs.put(e.getKey(), value.toString());
            }
        }
        return new InputRow(number, inputs, null);
    }
}
