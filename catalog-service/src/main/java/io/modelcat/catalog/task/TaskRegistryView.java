package io.modelcat.catalog.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.datasets.SchemaInput;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.BatchScoreSpec;
import io.modelcat.jobs.spec.EvaluateSpec;
import io.modelcat.jobs.spec.Hyperparameters;
import io.modelcat.jobs.spec.Setting;
import io.modelcat.jobs.task.Metric;
import io.modelcat.jobs.task.PredictInput;
import io.modelcat.jobs.task.Task;
import io.modelcat.jobs.task.TrainingSeries;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The task registry and the job settings as the API serves them ({@code GET /api/v1/tasks}): what the UI's
 * wizards, compare page and Try-it box read instead of keeping lists of their own.
 */
@Serdeable
@Schema(name = "TaskRegistry")
public record TaskRegistryView(
        @Schema(description = "every task the catalog knows, with what the engine runs for it") List<TaskView> tasks,
        @Schema(description = "a fine-tune's hyperparameters, their defaults and limits") List<SettingView> hyperparameters,
        @Schema(description = "an evaluation's own settings") List<SettingView> evaluationSettings,
        @Schema(description = "a batch endpoint invocation's settings") List<SettingView> batchScoreSettings,
        @Schema(description = "what every fine-tune records while it trains (split 'train')") List<MetricView> trainingSeries) {

    /** One task. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskView(
            @Schema(description = "wire name, e.g. text-classification") String name,
            String title,
            @Schema(description = "job kinds the engine runs for it: evaluate, finetune, predict") List<String> jobKinds,
            @Schema(description = "the dataset inputs a column mapping maps to columns") List<InputView> inputs,
            @Schema(description = "what an evaluation records, in display order") List<MetricView> metrics,
            @Schema(description = "the metric early stopping and the best epoch watch; absent when not fine-tuned")
            String earlyStoppingMetric,
            @Schema(description = "what sample inference takes") List<PredictInputView> predictInputs,
            @Schema(description = "whether online endpoints (deployments) serve it") boolean servedByEndpoints) {
    }

    /** A dataset input of a task. */
    @Serdeable
    public record InputView(String name, boolean required, List<String> accepts, String description) {
    }

    /** A metric and which way it improves. */
    @Serdeable
    public record MetricView(String name, String title, String description, boolean higherIsBetter) {
    }

    /** An input of sample inference. */
    @Serdeable
    public record PredictInputView(String name, boolean required, String description) {
    }

    /** A setting: its default (absent: off, or decided by the job) and limits, and the sentence the docs use. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SettingView(
            String name,
            @Schema(description = "integer, number, names (a list of names; minimum and maximum bound its length) or flag (true or false)") String type,
            @Nullable @JsonProperty("default") @Schema(name = "default", nullable = true, description = "a number (integer and "
                    + "number), a list of names (names) or true or false (flag); null when the setting has none",
                    anyOf = {Double.class, Boolean.class, List.class}) Object defaultValue,
            @Nullable Double minimum,
            boolean minimumExcluded,
            @Nullable Double maximum,
            boolean maximumExcluded,
            @Nullable String help,
            @Schema(description = "help, limits and default in one sentence") String description) {
    }

    /** The registry as it is in this build. */
    public static TaskRegistryView current() {
        return new TaskRegistryView(Arrays.stream(Task.values()).map(TaskRegistryView::task).toList(),
                Hyperparameters.SETTINGS.stream().map(TaskRegistryView::setting).toList(),
                EvaluateSpec.SETTINGS.stream().map(TaskRegistryView::setting).toList(),
                BatchScoreSpec.SETTINGS.stream().map(TaskRegistryView::setting).toList(),
                TrainingSeries.ALL.stream().map(TaskRegistryView::metric).toList());
    }

    private static TaskView task(Task task) {
        return new TaskView(task.wireName(), task.title(),
                Arrays.stream(JobKind.values()).filter(task::runs).map(JobKind::wireName).toList(),
                task.schema().inputs().stream().map(TaskRegistryView::input).toList(),
                task.metrics().stream().map(TaskRegistryView::metric).toList(),
                task.earlyStoppingMetric().map(Metric::name).orElse(null),
                task.predictInputs().stream().map(TaskRegistryView::predictInput).toList(), task.servedByEndpoints());
    }

    private static InputView input(SchemaInput input) {
        return new InputView(input.name(), input.required(), input.acceptedTypes(), input.description());
    }

    private static MetricView metric(Metric metric) {
        return new MetricView(metric.name(), metric.title(), metric.description(), metric.higherIsBetter());
    }

    private static PredictInputView predictInput(PredictInput input) {
        return new PredictInputView(input.name(), input.required(), input.description());
    }

    private static SettingView setting(Setting setting) {
        return new SettingView(setting.name(), setting.type().name().toLowerCase(Locale.ROOT), setting.fallback(),
                setting.hasMinimum() ? setting.minimum() : null, setting.minimumExcluded(),
                setting.hasMaximum() ? setting.maximum() : null, setting.maximumExcluded(),
                setting.help(), setting.describe());
    }
}
