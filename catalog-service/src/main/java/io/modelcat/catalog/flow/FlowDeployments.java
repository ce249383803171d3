package io.modelcat.catalog.flow;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.deploy.FlowServing;
import io.modelcat.catalog.llm.LlmMesh;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.jobs.flow.Flow;
import io.modelcat.jobs.flow.FlowExecution;
import io.modelcat.store.deploy.Deployments;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs deployed flows (docs/flows.md, "Deploying a flow"): each call's steps go through the LLM mesh as the
 * deployment's creator, so that their usage, cost and audit are that person's, as a bulk test's are its submitter's.
 */
@Singleton
public class FlowDeployments implements FlowServing {

    private final FlowService flows;
    private final LlmMesh mesh;

    public FlowDeployments(FlowService flows, LlmMesh mesh) {
        this.flows = flows;
        this.mesh = mesh;
    }

    @Override
    public List<FieldError> problems(Flow flow, String field) {
        return flows.unknownModels(flow, field + ".");
    }

    @Override
    public Answer run(Deployments.FlowServed flow, Deployments.Owner owner, Map<String, String> inputs,
                      String remoteAddr) throws InterruptedException {
        Caller as = new Caller(owner.id(), owner.username(), Role.valueOf(owner.role().toUpperCase(Locale.ROOT)),
                Caller.Method.FLOW_DEPLOYMENT, remoteAddr);
        MeshChat chat = new MeshChat(mesh, as);
        FlowExecution.RowResult row = new FlowExecution(flow.definition(), chat).run(inputs, flow.variants());
        return new Answer(row, row.failed() ? chat.failedStatus() : 0);
    }
}
