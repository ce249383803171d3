package io.modelcat.datasets;

/** The three parts a dataset is split into for fine-tuning and evaluation. */
public enum Split {
    TRAIN("train"),
    VALIDATION("validation"),
    TEST("test");

    private final String wireName;

    Split(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
