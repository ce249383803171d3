package io.modelcat.runner.data;

import io.modelcat.datasets.DatasetReader;
import io.modelcat.datasets.Row;
import io.modelcat.jobs.spec.DatasetRef;
import io.modelcat.runner.task.RowReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a dataset turned into {@link TaskExample}s through a column mapping, as the task's recipe
 * reads them. Rows that cannot be used (unreadable, or a required value missing or of the wrong kind) are
 * counted and the first reasons kept, never silently dropped.
 */
public record ExampleSet(List<TaskExample> examples, long badRows, List<String> badRowReasons) {

    private static final int MAX_REASONS = 20;

    /** Reads {@code ref}'s file under {@code datasetsDir}. */
    public static ExampleSet read(Path datasetsDir, DatasetRef ref, RowReader recipe, Map<String, String> mapping) {
        List<TaskExample> examples = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        long bad = 0;
        try (DatasetReader reader = DatasetReader.open(ref.resolveIn(datasetsDir), ref.format(), 16 << 20)) {
            int index = 0;
            for (Row next = reader.next(); next != null; next = reader.next()) {
                Row row = next;
                String problem = row.isBad() ? row.problem() : null;
                TaskExample example = null;
                if (problem == null) {
                    Map<String, Object> inputs = new LinkedHashMap<>();
                    mapping.forEach((input, column) -> inputs.put(input, row.values().get(column)));
                    try {
                        example = recipe.example(index, inputs);
                    } catch (IllegalArgumentException e) {
                        problem = e.getMessage();
                    }
                }
                if (example == null) {
                    bad++;
                    if (reasons.size() < MAX_REASONS) {
                        reasons.add("line " + row.line() + ": " + problem);
                    }
                } else {
                    examples.add(example);
                    index++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dataset " + ref.id() + ": " + e.getMessage(), e);
        }
        return new ExampleSet(examples, bad, reasons);
    }
}
