package io.modelcat.catalog.jobinput;

import io.modelcat.catalog.dataset.DatasetService;
import io.modelcat.catalog.dataset.MappingCheck;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelRepository;
import io.modelcat.catalog.model.ModelSummary;
import io.modelcat.catalog.model.ModelVersion;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.SpecError;
import io.modelcat.jobs.task.Task;
import jakarta.inject.Singleton;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Checks what evaluate and fine-tune jobs read (a model version with files, datasets, a column mapping)
 * and collects each problem as a field error, so that one answer names every bad field.
 */
@Singleton
public class JobInputs {

    private final ModelRepository models;
    private final DatasetFiles datasets;
    private final DatasetService datasetService;

    public JobInputs(ModelRepository models, DatasetFiles datasets, DatasetService datasetService) {
        this.models = models;
        this.datasets = datasets;
        this.datasetService = datasetService;
    }

    /** The model and the version of it that a job will run; either may be null when an error was recorded. */
    public record Target(ModelSummary model, ModelVersion version) {
    }

    /** The model and its chosen version (the given number, else the newest), recording errors on their fields. */
    public Target target(UUID modelId, Integer versionNumber, List<FieldError> errors) {
        ModelSummary model = model(modelId, errors).orElse(null);
        ModelVersion version = model == null ? null : version(model, versionNumber, errors).orElse(null);
        return new Target(model, version);
    }

    /** The model's card, or an error on {@code modelId}. */
    public Optional<ModelSummary> model(UUID modelId, List<FieldError> errors) {
        Optional<ModelSummary> model = models.find(modelId).map(ModelCard::summary);
        if (model.isEmpty()) {
            errors.add(new FieldError("modelId", "no model has id " + modelId));
        }
        return model;
    }

    /**
     * The version to run: the given number, else the newest. Empty with an error on {@code versionNumber}
     * when the number does not exist, or empty without one when the model has no version at all.
     */
    public Optional<ModelVersion> version(ModelSummary model, Integer versionNumber, List<FieldError> errors) {
        List<ModelVersion> versions = models.versions(model.id());
        if (versionNumber == null) {
            return versions.stream().max(Comparator.comparingInt(ModelVersion::versionNumber));
        }
        Optional<ModelVersion> chosen = versions.stream().filter(v -> v.versionNumber() == versionNumber).findFirst();
        if (chosen.isEmpty()) {
            errors.add(new FieldError("versionNumber", "model " + model.id() + " has no version " + versionNumber
                    + (versions.isEmpty() ? "; it has no versions" : "; its versions are "
                    + versions.stream().map(v -> String.valueOf(v.versionNumber())).collect(Collectors.joining(", ")))));
        }
        return chosen;
    }

    /** The chosen version's files, or a 409: a job cannot run a model that was never imported. */
    public static String artifactUri(ModelSummary model, ModelVersion version) {
        if (model.isHosted()) {
            throw new ConflictException("model " + model.id() + " (" + model.source().repo() + ") is served by an LLM "
                    + "connection and has no files here: call it through the LLM mesh, or use it in a prompt flow");
        }
        if (version == null || version.artifactUri() == null || version.artifactUri().isBlank()) {
            String which = version == null ? "" : " (version " + version.versionNumber() + " has no files)";
            throw new ConflictException("model " + model.id() + " (" + model.name()
                    + ") has no imported version yet" + which + "; import it first");
        }
        return version.artifactUri();
    }

    /** The task, or an error on {@code task} unless it is one the engine runs jobs of {@code kind} for. */
    public static Optional<Task> engineTask(String task, JobKind kind, List<FieldError> errors) {
        Optional<Task> known = Task.fromWireName(task).filter(t -> t.runs(kind));
        if (known.isEmpty()) {
            errors.add(new FieldError("task", "'" + task + "' cannot be run by the engine as a " + kind.wireName()
                    + " job; expected one of " + String.join(", ", Task.running(kind).stream().map(Task::wireName).toList())));
        }
        return known;
    }

    /** Errors on {@code sourceLanguage} and {@code targetLanguage} when given for a task other than translation. */
    public static void languagesOnlyForTranslation(Optional<Task> task, String sourceLanguage, String targetLanguage,
                                                   List<FieldError> errors) {
        if (task.isEmpty() || task.get() == Task.TRANSLATION) {
            return;
        }
        if (sourceLanguage != null) {
            errors.add(new FieldError("sourceLanguage", "languages are for translation only, not " + task.get().wireName()));
        }
        if (targetLanguage != null) {
            errors.add(new FieldError("targetLanguage", "languages are for translation only, not " + task.get().wireName()));
        }
    }

    /** Adds the contract's validation errors as the API's field errors. */
    public static void add(List<SpecError> specErrors, List<FieldError> errors) {
        specErrors.forEach(e -> errors.add(new FieldError(e.field(), e.message())));
    }

    /** The dataset's file, or an error on {@code field}. */
    public Optional<DatasetFile> dataset(String field, UUID id, List<FieldError> errors) {
        Optional<DatasetFile> file = datasets.find(id);
        if (file.isEmpty()) {
            errors.add(new FieldError(field, "no dataset has id " + id));
        }
        return file;
    }

    /**
     * The mapping resolved against the dataset (every input with its column), or null with errors named
     * {@code mapping.<input>}; {@code label} ("the validation dataset") is put before each message when given.
     */
    public Map<String, String> mapping(String task, Map<String, String> mapping, DatasetFile dataset, String label,
                                       List<FieldError> errors) {
        try {
            return datasetService.checkMapping(dataset.id(), new MappingCheck.Request(task, mapping)).mapping();
        } catch (InvalidFieldException e) {
            for (FieldError error : e.errors()) {
                FieldError named = label == null ? error
                        : new FieldError(error.field(), "in " + label + " (" + dataset.id() + "): " + error.message());
                if (!errors.contains(named)) {
                    errors.add(named);
                }
            }
            return null;
        }
    }

    public static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
    }
}
