package io.modelcat.catalog.flow;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.dataset.Dataset;
import io.modelcat.catalog.dataset.DatasetService;
import io.modelcat.catalog.job.JobDataset;
import io.modelcat.catalog.job.JobService;
import io.modelcat.catalog.job.JobView;
import io.modelcat.catalog.jobinput.DatasetFile;
import io.modelcat.catalog.jobinput.JobInputs;
import io.modelcat.catalog.llm.ConnectionService;
import io.modelcat.catalog.llm.ConnectionView;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.flow.EvaluationMethod;
import io.modelcat.jobs.flow.Flow;
import io.modelcat.jobs.flow.FlowStep;
import io.modelcat.jobs.flow.StepVariant;
import io.modelcat.jobs.spec.BulkTestSpec;
import io.modelcat.jobs.spec.SpecError;
import io.modelcat.store.Database;
import io.modelcat.store.flow.BulkTests;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Bulk tests of prompt flows (docs/flows.md): a contributor runs a saved flow over a dataset, comparing a step's
 * variants, and evaluates the outputs; a {@code bulk-test} job on the runners does the work. Evaluation methods can
 * be applied again later (another job of the same test, which calls no flow step again).
 */
@Singleton
public class BulkTestService {

    public static final int MAX_ROWS_PAGE = 1000;
    private static final int LISTED = 100;

    private final Database db;
    private final AuditLog audit;
    private final FlowService flows;
    private final JobInputs inputs;
    private final JobService jobs;
    private final DatasetService datasets;
    private final ConnectionService connections;

    public BulkTestService(Database db, AuditLog audit, FlowService flows, JobInputs inputs, JobService jobs,
                           DatasetService datasets, ConnectionService connections) {
        this.db = db;
        this.audit = audit;
        this.flows = flows;
        this.inputs = inputs;
        this.jobs = jobs;
        this.datasets = datasets;
        this.connections = connections;
    }

    /** Checks a bulk test in full (flow, dataset, columns, variants, settings, evaluation methods) and submits it. */
    public BulkTestView create(FlowRequests.CreateBulkTest request, Caller by) {
        List<FieldError> errors = new ArrayList<>();
        Flow flow = null;
        String flowName = request.flow();
        if (flowName == null || flowName.isBlank()) {
            errors.add(new FieldError("flow", "is required: the name of a saved flow"));
        } else {
            try {
                flow = flows.row(flowName).flow();
            } catch (NotFoundException e) {
                errors.add(new FieldError("flow", e.getMessage()));
            }
        }
        DatasetFile dataset = null;
        if (request.datasetId() == null) {
            errors.add(new FieldError("datasetId", "is required: the dataset whose rows the flow runs over"));
        } else {
            dataset = inputs.dataset("datasetId", request.datasetId(), errors).orElse(null);
        }
        List<SpecError> invalid = new ArrayList<>();
        int concurrency = BulkTestSpec.CONCURRENCY.resolve("", request.concurrency(), invalid).intValue();
        int errorThreshold = BulkTestSpec.ERROR_THRESHOLD.resolve("", request.errorThreshold(), invalid).intValue();
        errors.addAll(FlowService.fieldErrors(invalid));
        if (flow == null || dataset == null) {
            JobInputs.throwIfAny(errors);
        }
        Dataset described = datasets.get(dataset.id());
        Set<String> columns = described.columns().stream().map(Dataset.DatasetColumn::name)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        Map<String, String> inputColumns = inputColumns(flow, request.inputColumns(), columns, errors);
        String variantStep = request.variantStep() == null || request.variantStep().isBlank() ? null : request.variantStep();
        List<String> variants = variants(flow, variantStep, request.variants(), errors);
        List<EvaluationMethod> evaluations = evaluations(flow, request.evaluations(), columns, errors);
        JobInputs.throwIfAny(errors);

        BulkTestSpec spec = new BulkTestSpec(UUID.randomUUID(), flowName, flow, variantStep, variants, dataset.toRef(),
                inputColumns, concurrency, errorThreshold, evaluations);
        JobView job = submit(spec, request.priority(), by);
        db.write(c -> {
            BulkTests.insert(c, spec, job.id(), by.username());
            return null;
        });
        audit.record(by.did("bulk-test.create", "bulk-test", spec.bulkTestId(), Map.of("flow", flowName,
                "datasetId", dataset.id().toString(), "jobId", job.id().toString())));
        return get(spec.bulkTestId());
    }

    /** Applies evaluation methods again to the test's rows: a new job that calls no flow step for answered rows. */
    public BulkTestView evaluate(UUID id, FlowRequests.Evaluate request, Caller by) {
        BulkTests.TestRow test = row(id);
        JobView current = jobs.get(test.jobId());
        if (!current.isFinal()) {
            throw new ConflictException("bulk test " + id + " is still running (job " + current.id() + "); cancel it or "
                    + "wait for it to end");
        }
        List<FieldError> errors = new ArrayList<>();
        Set<String> columns = datasetColumns(test.datasetId(), errors);
        List<EvaluationMethod> evaluations = evaluations(test.spec().flow(), request.evaluations(), columns, errors);
        if (evaluations.isEmpty() && errors.isEmpty()) {
            errors.add(new FieldError("evaluations", "must list at least one evaluation method"));
        }
        JobInputs.throwIfAny(errors);
        BulkTestSpec old = test.spec();
        BulkTestSpec spec = new BulkTestSpec(old.bulkTestId(), old.flowName(), old.flow(), old.variantStep(),
                old.variants(), old.dataset(), old.inputColumns(), old.concurrency(), old.errorThreshold(), evaluations);
        JobView job = submit(spec, null, by);
        db.write(c -> {
            BulkTests.newJob(c, spec, job.id());
            return null;
        });
        audit.record(by.did("bulk-test.evaluate", "bulk-test", id, Map.of("jobId", job.id().toString(),
                "methods", evaluations.stream().map(EvaluationMethod::method).toList())));
        return get(id);
    }

    public BulkTestView get(UUID id) {
        return view(row(id));
    }

    public BulkTestView.BulkTests list(String flowName) {
        return new BulkTestView.BulkTests(db.read(c -> BulkTests.list(c, flowName, LISTED)).stream().map(this::view)
                .toList());
    }

    public BulkTestView.Rows rows(UUID id, String variant, int offset, int limit) {
        return rows(id, BulkTests.RowQuery.inOrder(variant, offset, limit));
    }

    public BulkTestView.Rows rows(UUID id, BulkTests.RowQuery query) {
        row(id);
        int offset = query.offset();
        int limit = query.limit();
        List<BulkTestView.Row> rows = db.read(c -> BulkTests.rows(c, id, query)).stream()
                .map(r -> new BulkTestView.Row(r.variant(), r.rowNumber(), r.inputs(), r.outputs(), r.steps(), r.error(),
                        r.latencyMillis(), r.promptTokens(), r.completionTokens(), r.costUsd(), r.scores()))
                .toList();
        return new BulkTestView.Rows(rows, offset, limit);
    }

    /** Removes a test that is not running, with its rows. */
    public void delete(UUID id, Caller by) {
        BulkTests.TestRow test = row(id);
        JobView job = jobs.get(test.jobId());
        if (!job.isFinal()) {
            throw new ConflictException("bulk test " + id + " is still running (job " + job.id() + "); cancel it first");
        }
        db.write(c -> BulkTests.delete(c, id));
        audit.record(by.did("bulk-test.delete", "bulk-test", id, Map.of()));
    }

    BulkTests.TestRow row(UUID id) {
        return db.read(c -> BulkTests.byId(c, id)).orElseThrow(() -> new NotFoundException("no bulk test has id " + id));
    }

    private JobView submit(BulkTestSpec spec, Integer priority, Caller by) {
        return jobs.submit(by, spec, null, null, List.of(new JobDataset(JobDataset.TEST, spec.dataset().id())),
                DeviceRequest.cpu(), priority == null ? 0 : priority, JobService.DEFAULT_MAX_ATTEMPTS, null);
    }

    private BulkTestView view(BulkTests.TestRow t) {
        BulkTestSpec s = t.spec();
        Map<String, Long> answered = new LinkedHashMap<>();
        Map<String, Long> counted = db.read(c -> BulkTests.counts(c, t.id()));
        s.runs().forEach(run -> answered.put(run, counted.getOrDefault(run, 0L)));
        return new BulkTestView(t.id(), t.flowName(), t.datasetId(), s.flow().inputs(), s.flow().steps(), s.variantStep(),
                s.runs(), s.inputColumns(), s.concurrency(), s.errorThreshold(), s.evaluations(), jobs.get(t.jobId()),
                answered, t.result(), t.createdBy(), t.createdAt());
    }

    private Set<String> datasetColumns(UUID datasetId, List<FieldError> errors) {
        try {
            return datasets.get(datasetId).columns().stream().map(Dataset.DatasetColumn::name)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
        } catch (NotFoundException e) {
            errors.add(new FieldError("datasetId", "the test's dataset " + datasetId + " is gone"));
            return Set.of();
        }
    }

    /** Each flow input's column: the one given, else the column of the input's name. */
    private static Map<String, String> inputColumns(Flow flow, Map<String, String> given, Set<String> columns,
                                                    List<FieldError> errors) {
        Map<String, String> asked = given == null ? Map.of() : given;
        asked.keySet().stream().filter(k -> !flow.inputs().contains(k)).forEach(k -> errors.add(new FieldError(
                "inputColumns." + k, "is not an input of the flow; its inputs are " + String.join(", ", flow.inputs()))));
        Map<String, String> resolved = new LinkedHashMap<>();
        for (String input : flow.inputs()) {
            String column = asked.getOrDefault(input, columns.contains(input) ? input : null);
            if (column == null || column.isBlank()) {
                errors.add(new FieldError("inputColumns." + input, "is required: name the dataset column that holds "
                        + "input '" + input + "'; the columns are " + String.join(", ", columns)));
            } else if (!columns.contains(column)) {
                errors.add(new FieldError("inputColumns." + input, "the dataset has no column '" + column
                        + "'; its columns are " + String.join(", ", columns)));
            } else {
                resolved.put(input, column);
            }
        }
        return resolved;
    }

    private static List<String> variants(Flow flow, String variantStep, List<String> given, List<FieldError> errors) {
        if (variantStep == null) {
            if (given != null && !given.isEmpty()) {
                errors.add(new FieldError("variants", "name the step they belong to in variantStep"));
            }
            return List.of();
        }
        FlowStep step = flow.step(variantStep).orElse(null);
        if (step == null) {
            errors.add(new FieldError("variantStep", "'" + variantStep + "' is not a step of the flow; its steps are "
                    + flow.steps().stream().map(FlowStep::name).collect(Collectors.joining(", "))));
            return List.of();
        }
        List<String> all = step.variants().stream().map(StepVariant::name).toList();
        if (given == null || given.isEmpty()) {
            return all;
        }
        for (int i = 0; i < given.size(); i++) {
            if (!all.contains(given.get(i))) {
                errors.add(new FieldError("variants[" + i + "]", "step '" + variantStep + "' has no variant '"
                        + given.get(i) + "'; its variants are " + String.join(", ", all)));
            }
        }
        if (given.stream().distinct().count() != given.size()) {
            errors.add(new FieldError("variants", "lists a variant twice"));
        }
        return given;
    }

    private List<EvaluationMethod> evaluations(Flow flow, List<EvaluationMethod> given, Set<String> columns,
                                               List<FieldError> errors) {
        List<EvaluationMethod> methods = given == null ? List.of() : given;
        Map<String, ConnectionView> byName = null;
        for (int i = 0; i < methods.size(); i++) {
            EvaluationMethod method = methods.get(i);
            String prefix = "evaluations[" + i + "].";
            if (method == null) {
                errors.add(new FieldError("evaluations[" + i + "]", "must be an object"));
                continue;
            }
            List<SpecError> problems = method.problems(prefix, flow, columns);
            errors.addAll(FlowService.fieldErrors(problems));
            if (problems.isEmpty() && method.needsModel()) {
                if (byName == null) {
                    byName = connections.list().items().stream().collect(Collectors.toMap(ConnectionView::name,
                            Function.identity()));
                }
                FlowService.modelProblem(method.model(), byName).ifPresent(m -> errors.add(new FieldError(prefix + "model", m)));
            }
        }
        return methods;
    }
}
