package io.modelcat.jobs.spec;

import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.flow.EvaluationMethod;
import io.modelcat.jobs.flow.Flow;
import io.modelcat.jobs.flow.FlowStep;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Run a prompt flow over every row of a dataset and evaluate the outputs (docs/flows.md). Each row's answer is kept
 * in the {@code bulk_test_row} table as it arrives, under {@code bulkTestId}: an attempt after a runner died, and a
 * later job of the same bulk test that only re-applies evaluation methods, call nothing for rows already answered.
 *
 * @param flowName      the saved flow's name (the flow itself is the copy taken when the test was asked for)
 * @param variantStep   the step whose variants are compared (null: the flow runs once, each step's first variant)
 * @param variants      the variants of {@code variantStep} that run, each over every row
 * @param inputColumns  each flow input's dataset column
 * @param concurrency   LLM calls at once
 * @param errorThreshold rows that may fail (over all variants) before the test stops; -1 tolerates any number
 */
public record BulkTestSpec(UUID bulkTestId, String flowName, Flow flow, String variantStep, List<String> variants,
                           DatasetRef dataset, Map<String, String> inputColumns, int concurrency, int errorThreshold,
                           List<EvaluationMethod> evaluations) implements JobSpec {

    public static final Setting CONCURRENCY = Setting.integer("concurrency", 4, 1, 256,
            "LLM calls at once (the mesh's connection limits apply too)");
    public static final Setting ERROR_THRESHOLD = Setting.integer("errorThreshold", -1, -1, 1_000_000_000,
            "rows that may fail (all variants together) before the bulk test stops; -1 tolerates any number");
    public static final List<Setting> SETTINGS = List.of(CONCURRENCY, ERROR_THRESHOLD);
    /** The name of the one run of a test that compares no variants. */
    public static final String DEFAULT_VARIANT = "default";

    public BulkTestSpec {
        variants = variants == null ? List.of() : List.copyOf(variants);
        inputColumns = inputColumns == null ? Map.of() : Map.copyOf(inputColumns);
        evaluations = evaluations == null ? List.of() : List.copyOf(evaluations);
    }

    /** The runs' names: the compared variants, or {@link #DEFAULT_VARIANT}. */
    public List<String> runs() {
        return variantStep == null ? List.of(DEFAULT_VARIANT) : variants;
    }

    /** The variant of each step a run uses (a step not named runs its first variant). */
    public Map<String, String> choice(String run) {
        return variantStep == null ? Map.of() : Map.of(variantStep, run);
    }

    /**
     * The model a run's metric is credited to: the model of the step whose output the metric measures, in the variant
     * the run uses. An evaluation method on a step's output names its metrics {@code <step>.<metric>}; one on the
     * flow's output (the last step's) names them plainly, so they go to the last step's model. Other steps' models
     * are not credited (docs/flows.md).
     */
    public String modelOf(String run, String metric) {
        int dot = metric.indexOf('.');
        FlowStep last = flow.steps().get(flow.steps().size() - 1);
        FlowStep step = dot > 0 ? flow.step(metric.substring(0, dot)).orElse(last) : last;
        String variant = choice(run).getOrDefault(step.name(), step.variants().get(0).name());
        return step.variant(variant).orElseThrow(() -> new IllegalArgumentException("step '" + step.name()
                + "' has no variant '" + variant + "'")).model();
    }

    @Override
    public JobKind kind() {
        return JobKind.BULK_TEST;
    }
}
