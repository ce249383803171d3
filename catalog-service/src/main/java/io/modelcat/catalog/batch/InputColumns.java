package io.modelcat.catalog.batch;

import io.modelcat.catalog.dataset.Dataset;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.jobs.task.PredictInput;
import io.modelcat.jobs.task.Task;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An invocation's input columns: the task's predict inputs ({@code text}, {@code text2}, {@code question},
 * {@code context}) to columns of the dataset holding single values, as an evaluation's mapping is checked.
 * An input not named maps to the column of its name when the dataset has one.
 */
final class InputColumns {

    private InputColumns() {
    }

    /** The resolved mapping (every input read, with its column), or null with errors named {@code inputColumns.<input>}. */
    static Map<String, String> resolve(Task task, Map<String, String> given, Dataset dataset, List<FieldError> errors) {
        Map<String, String> asked = given == null ? Map.of() : given;
        List<String> names = task.predictInputs().stream().map(PredictInput::name).toList();
        List<String> columns = dataset.columns().stream().map(Dataset.DatasetColumn::name).toList();
        int before = errors.size();
        asked.keySet().stream().filter(k -> !names.contains(k)).forEach(k -> errors.add(new FieldError("inputColumns." + k,
                "is not an input of " + task.wireName() + "; its inputs are " + String.join(", ", names))));
        Map<String, String> resolved = new LinkedHashMap<>();
        for (PredictInput input : task.predictInputs()) {
            String field = "inputColumns." + input.name();
            String column = asked.get(input.name());
            if (column == null || column.isBlank()) {
                if (columns.contains(input.name())) {
                    resolved.put(input.name(), input.name());
                } else if (input.required()) {
                    errors.add(new FieldError(field, "is required for " + task.wireName() + " (" + input.description()
                            + "); name the dataset column that holds it; the columns are " + String.join(", ", columns)));
                }
                continue;
            }
            Optional<Dataset.DatasetColumn> found = dataset.columns().stream().filter(c -> c.name().equals(column))
                    .findFirst();
            if (found.isEmpty()) {
                errors.add(new FieldError(field, "dataset '" + dataset.name() + "' has no column '" + column
                        + "'; its columns are " + String.join(", ", columns)));
            } else if (found.get().type().startsWith("list") || found.get().type().equals("object")) {
                errors.add(new FieldError(field, "column '" + column + "' holds " + found.get().type()
                        + ", not a text"));
            } else {
                resolved.put(input.name(), column);
            }
        }
        return errors.size() == before ? resolved : null;
    }
}
