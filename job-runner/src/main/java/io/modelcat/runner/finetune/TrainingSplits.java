package io.modelcat.runner.finetune;

import io.modelcat.datasets.Split;
import io.modelcat.datasets.SplitPlan;
import io.modelcat.jobs.spec.DatasetRef;
import io.modelcat.jobs.spec.FinetuneSpec;
import io.modelcat.runner.data.ExampleSet;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.execute.JobContext;
import io.modelcat.runner.task.RowReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Train, validation and test rows of a fine-tune, each from its own dataset or held out of the training
 * data (seeded, stratified by label where the task asks for it), with the dataset each came from.
 */
record TrainingSplits(List<TaskExample> train, List<TaskExample> validation, List<TaskExample> test,
                      UUID trainDataset, UUID validationDataset, UUID testDataset, long badRows) {

    /** Every row of every split, for the label set. */
    List<TaskExample> all() {
        List<TaskExample> all = new ArrayList<>(train);
        all.addAll(validation);
        all.addAll(test);
        return all;
    }

    static TrainingSplits read(FinetuneSpec spec, Tuning tuning, Path datasetsDir, JobContext context) {
        RowReader recipe = tuning.rows();
        long seed = spec.hyperparameters().seed();
        ExampleSet train = read(datasetsDir, spec.train(), recipe, spec.mapping(), "training", context);
        ExampleSet validation = spec.validation() == null ? null
                : read(datasetsDir, spec.validation(), recipe, spec.mapping(), "validation", context);
        ExampleSet test = spec.test() == null ? null
                : read(datasetsDir, spec.test(), recipe, spec.mapping(), "test", context);
        List<TaskExample> rows = train.examples();
        SplitPlan plan = tuning.stratifiedSplits()
                ? SplitPlan.stratified(rows.stream().map(TaskExample::label).toList(), validation != null, test != null, seed)
                : SplitPlan.random(rows.size(), validation != null, test != null, seed);
        List<TaskExample> trainRows = pick(rows, plan.rows(Split.TRAIN));
        List<TaskExample> validationRows = validation != null ? validation.examples() : pick(rows, plan.rows(Split.VALIDATION));
        List<TaskExample> testRows = test != null ? test.examples() : pick(rows, plan.rows(Split.TEST));
        if (trainRows.isEmpty()) {
            throw new IllegalArgumentException("the training data has no usable rows");
        }
        context.log("INFO", "Splits: " + trainRows.size() + " train, " + validationRows.size() + " validation, "
                        + testRows.size() + " test" + (validation == null || test == null ? " (seed " + seed + ")" : ""),
                Map.of("train", trainRows.size(), "validation", validationRows.size(), "test", testRows.size()));
        long bad = train.badRows() + (validation == null ? 0 : validation.badRows()) + (test == null ? 0 : test.badRows());
        UUID trainId = spec.train().id();
        return new TrainingSplits(trainRows, validationRows, testRows, trainId,
                spec.validation() == null ? trainId : spec.validation().id(),
                spec.test() == null ? trainId : spec.test().id(), bad);
    }

    private static ExampleSet read(Path datasetsDir, DatasetRef ref, RowReader recipe, Map<String, String> mapping,
                                   String role, JobContext context) {
        ExampleSet set = ExampleSet.read(datasetsDir, ref, recipe, mapping);
        if (set.badRows() > 0) {
            context.log("WARN", set.badRows() + " " + role + " rows could not be used",
                    Map.of("examples", set.badRowReasons()));
        }
        return set;
    }

    private static List<TaskExample> pick(List<TaskExample> rows, int[] indexes) {
        List<TaskExample> picked = new ArrayList<>(indexes.length);
        for (int index : indexes) {
            picked.add(rows.get(index));
        }
        return picked;
    }
}
