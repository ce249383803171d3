package io.modelcat.datasets;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** One input of a task schema: its name, whether a mapping must provide it, and the column types it accepts. */
public record SchemaInput(String name, boolean required, Set<ColumnType> accepts, String description) {

    public SchemaInput {
        accepts = Set.copyOf(accepts);
    }

    static SchemaInput required(String name, String description, ColumnType... accepts) {
        return new SchemaInput(name, true, Set.of(accepts), description);
    }

    static SchemaInput optional(String name, String description, ColumnType... accepts) {
        return new SchemaInput(name, false, Set.of(accepts), description);
    }

    /** The accepted types' wire names, sorted, for messages and documents. */
    public List<String> acceptedTypes() {
        return accepts.stream().map(ColumnType::wireName).sorted().collect(Collectors.toList());
    }
}
