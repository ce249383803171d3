package io.modelcat.catalog.flow;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.llm.ConnectionView;
import io.modelcat.catalog.llm.ConnectionService;
import io.modelcat.catalog.llm.LlmMesh;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.jobs.flow.Flow;
import io.modelcat.jobs.flow.FlowExecution;
import io.modelcat.jobs.flow.StepVariant;
import io.modelcat.jobs.spec.SpecError;
import io.modelcat.store.Database;
import io.modelcat.store.deploy.Deployments;
import io.modelcat.store.flow.PromptFlows;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Prompt flows (docs/flows.md): contributors save, change and delete them and run a row interactively; everyone
 * signed in reads them. A flow is checked in full when saved (templates, names, parsers, and that each model is one
 * a connection allows); changes are audited.
 */
@Singleton
public class FlowService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

    private final Database db;
    private final AuditLog audit;
    private final ConnectionService connections;
    private final LlmMesh mesh;

    public FlowService(Database db, AuditLog audit, ConnectionService connections, LlmMesh mesh) {
        this.db = db;
        this.audit = audit;
        this.connections = connections;
        this.mesh = mesh;
    }

    public FlowView.Flows list() {
        return new FlowView.Flows(db.read(PromptFlows::all).stream().map(FlowView::of).toList());
    }

    public FlowView get(String name) {
        return FlowView.of(row(name));
    }

    /** The saved flow of that name, or a 404. */
    PromptFlows.FlowRow row(String name) {
        return db.read(c -> PromptFlows.byName(c, name)).orElseThrow(() -> new NotFoundException(
                "no flow is called '" + name + "'"));
    }

    public FlowView create(FlowRequests.SaveFlow request, Caller by) {
        List<FieldError> errors = new ArrayList<>();
        String name = request.name();
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", (name == null ? "is required" : "'" + name + "' is not a flow name")
                    + ": letters, digits, '_' and '-', starting with a letter or digit, at most 63 characters"));
        }
        Flow flow = checked(request, errors);
        if (!db.write(c -> PromptFlows.insert(c, name, flow, by.username()))) {
            throw new ConflictException("a flow is already called '" + name + "'");
        }
        audit.record(by.did("flow.create", "flow", name, Map.of("steps", flow.steps().size())));
        return get(name);
    }

    public FlowView update(String name, FlowRequests.SaveFlow request, Caller by) {
        row(name);
        List<FieldError> errors = new ArrayList<>();
        if (request.name() != null && !request.name().equals(name)) {
            errors.add(new FieldError("name", "a flow cannot be renamed; leave name out or give '" + name + "'"));
        }
        Flow flow = checked(request, errors);
        if (!db.write(c -> PromptFlows.update(c, name, flow, by.username()))) {
            throw new NotFoundException("no flow is called '" + name + "'");
        }
        audit.record(by.did("flow.update", "flow", name, Map.of("steps", flow.steps().size())));
        return get(name);
    }

    public void delete(String name, Caller by) {
        boolean deleted = db.write(c -> {
            List<String> serving = Deployments.servingFlow(c, name);
            if (!serving.isEmpty()) {
                throw new ConflictException("flow '" + name + "' is deployed (" + String.join(", ", serving)
                        + "); delete those deployments before the flow");
            }
            return PromptFlows.delete(c, name);
        });
        if (!deleted) {
            throw new NotFoundException("no flow is called '" + name + "'");
        }
        audit.record(by.did("flow.delete", "flow", name, Map.of()));
    }

    /** Runs one row now, as the caller, through the mesh. */
    public FlowView.RowResult run(String name, FlowRequests.RunRow request, Caller by) throws InterruptedException {
        Flow flow = row(name).flow();
        Map<String, String> inputs = request.inputs() == null ? Map.of() : request.inputs();
        Map<String, String> variants = request.variants() == null ? Map.of() : request.variants();
        List<FieldError> errors = new ArrayList<>();
        flow.inputs().stream().filter(i -> !inputs.containsKey(i)).forEach(i -> errors.add(new FieldError(
                "inputs." + i, "is required: the flow's inputs are " + String.join(", ", flow.inputs()))));
        inputs.keySet().stream().filter(i -> !flow.inputs().contains(i)).forEach(i -> errors.add(new FieldError(
                "inputs." + i, "is not an input of the flow; its inputs are " + String.join(", ", flow.inputs()))));
        errors.addAll(fieldErrors(flow.variantProblems(variants, "variants.")));
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        return FlowView.RowResult.of(new FlowExecution(flow, new MeshChat(mesh, by)).run(inputs, variants));
    }

    private Flow checked(FlowRequests.SaveFlow request, List<FieldError> errors) {
        Flow flow = new Flow(request.description(), request.inputs(), request.steps());
        errors.addAll(fieldErrors(flow.problems("")));
        if (errors.isEmpty()) {
            errors.addAll(unknownModels(flow));
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        return flow;
    }

    /** Each variant's model that no connection allows, as errors on its field. */
    List<FieldError> unknownModels(Flow flow) {
        return unknownModels(flow, "");
    }

    /** Each variant's model that no connection allows, as errors on its field under {@code prefix}. */
    List<FieldError> unknownModels(Flow flow, String prefix) {
        Map<String, ConnectionView> byName = connections.list().items().stream()
                .collect(Collectors.toMap(ConnectionView::name, c -> c));
        List<FieldError> errors = new ArrayList<>();
        for (int s = 0; s < flow.steps().size(); s++) {
            List<StepVariant> variants = flow.steps().get(s).variants();
            for (int v = 0; v < variants.size(); v++) {
                String field = prefix + "steps[" + s + "].variants[" + v + "].model";
                modelProblem(variants.get(v).model(), byName).ifPresent(m -> errors.add(new FieldError(field, m)));
            }
        }
        return errors;
    }

    /** What is wrong with naming this model, if anything: an unknown connection, or a model it does not allow. */
    static java.util.Optional<String> modelProblem(String model, Map<String, ConnectionView> connections) {
        int slash = model.indexOf('/');
        String connection = model.substring(0, slash);
        String provided = model.substring(slash + 1);
        ConnectionView found = connections.get(connection);
        if (found == null) {
            return java.util.Optional.of("no LLM connection is called '" + connection + "' (GET /api/v1/llm/v1/models "
                    + "lists the models)");
        }
        if (!found.allowedModels().contains(provided)) {
            return java.util.Optional.of("connection '" + connection + "' does not allow model '" + provided
                    + "'; it allows " + found.allowedModels());
        }
        return java.util.Optional.empty();
    }

    /** The errors of a contract check as the API's field errors. */
    static List<FieldError> fieldErrors(List<SpecError> errors) {
        return errors.stream().map(e -> new FieldError(e.field(), e.message())).toList();
    }
}
