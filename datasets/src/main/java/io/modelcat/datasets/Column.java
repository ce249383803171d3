package io.modelcat.datasets;

/** A column of a dataset: its name, sniffed type, and in how many rows it is absent or null. */
public record Column(String name, ColumnType type, long missing) {

    /** {@code name (type)}, for messages. */
    public String describe() {
        return name + " (" + type.wireName() + ")";
    }
}
