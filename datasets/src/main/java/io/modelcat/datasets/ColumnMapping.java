package io.modelcat.datasets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which dataset column feeds each input of a task's schema, checked against the dataset's sniffed
 * columns. An input left out of the requested mapping defaults to the column of the same name, if any.
 */
public record ColumnMapping(String task, Map<String, String> columns) {

    public ColumnMapping {
        columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }

    /** The column an input reads, if the mapping gives one (optional inputs may have none). */
    public Optional<String> column(String input) {
        return Optional.ofNullable(columns.get(input));
    }

    /**
     * Resolves and checks a requested mapping (input to column) for a task against a dataset's profile.
     *
     * @throws MappingException naming every input that is unknown, unmapped, mapped to a missing column or
     *                          to a column of the wrong type, each message listing the dataset's columns
     */
    public static ColumnMapping resolve(TaskSchema schema, Map<String, String> requested, DatasetProfile profile) {
        Map<String, String> wanted = requested == null ? Map.of() : requested;
        List<MappingError> errors = new ArrayList<>();
        String available = profile.columns().stream().map(Column::describe).collect(Collectors.joining(", "));
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (schema.input(e.getKey()).isEmpty()) {
                errors.add(new MappingError(e.getKey(), e.getValue(), "is not an input of task " + schema.task()
                        + "; its inputs are " + String.join(", ", schema.inputNames())));
            }
        }
        Map<String, String> resolved = new LinkedHashMap<>();
        for (SchemaInput input : schema.inputs()) {
            String columnName = wanted.get(input.name());
            boolean explicit = columnName != null && !columnName.isBlank();
            if (!explicit) {
                columnName = profile.column(input.name()).isPresent() ? input.name() : null;
            }
            if (columnName == null) {
                if (input.required()) {
                    errors.add(new MappingError(input.name(), null, "is required by task " + schema.task()
                            + " (" + String.join(" or ", input.acceptedTypes()) + "): map it to one of the dataset's columns: "
                            + available));
                }
                continue;
            }
            Optional<Column> column = profile.column(columnName);
            if (column.isEmpty()) {
                errors.add(new MappingError(input.name(), columnName, "names column '" + columnName
                        + "', which the dataset does not have; its columns are: " + available));
                continue;
            }
            Column c = column.get();
            if (!input.accepts().contains(c.type())) {
                errors.add(new MappingError(input.name(), columnName, "needs a column of type "
                        + String.join(" or ", input.acceptedTypes()) + ", but column '" + columnName + "' is "
                        + c.type().wireName() + "; the dataset's columns are: " + available));
                continue;
            }
            if (input.required() && c.missing() > 0) {
                errors.add(new MappingError(input.name(), columnName, "column '" + columnName + "' has no value in "
                        + c.missing() + " of " + profile.rowCount() + " rows"));
                continue;
            }
            resolved.put(input.name(), columnName);
        }
        if (errors.isEmpty()) {
            List<Map<String, Object>> preview = profile.preview();
            for (int i = 0; i < preview.size(); i++) {
                Optional<MappingError> problem = schema.checkRow(preview.get(i), resolved);
                if (problem.isPresent()) {
                    MappingError p = problem.get();
                    errors.add(new MappingError(p.input(), p.column(), "row " + (i + 1) + " of the dataset: " + p.message()));
                    break;
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new MappingException(errors);
        }
        return new ColumnMapping(schema.task(), resolved);
    }
}
