package io.modelcat.jobs;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a job does. {@code predict} answers one sample-inference call ("try it") with a cached model;
 * {@code batch-score} scores a dataset in mini-batches for a batch endpoint, and {@code batch-score-helper}
 * joins one such invocation on another runner (claiming and scoring its mini-batches too);
 * {@code bulk-test} runs a prompt flow over a dataset through the LLM mesh and evaluates the outputs;
 * {@code noop} waits and reports progress: for checking workers and for benchmarks.
 */
public enum JobKind {
    IMPORT("import"),
    EVALUATE("evaluate"),
    FINETUNE("finetune"),
    PREDICT("predict"),
    BATCH_SCORE("batch-score"),
    BATCH_SCORE_HELPER("batch-score-helper"),
    BULK_TEST("bulk-test"),
    NOOP("noop");

    private final String wireName;

    JobKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<JobKind> fromWireName(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(JobKind::wireName).toList();
    }
}
