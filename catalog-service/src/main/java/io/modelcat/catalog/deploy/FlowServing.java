package io.modelcat.catalog.deploy;

import io.modelcat.catalog.problem.FieldError;
import io.modelcat.jobs.flow.Flow;
import io.modelcat.jobs.flow.FlowExecution;
import io.modelcat.store.deploy.Deployments;
import java.util.List;
import java.util.Map;

/**
 * Runs the prompt flows that flow deployments serve (docs/flows.md, "Deploying a flow"): the gateway routes, limits
 * and counts the calls, and this runs them through the LLM mesh. The flow package answers it.
 */
public interface FlowServing {

    /**
     * What stops the flow from being served now (a model that no connection allows any more), as errors of the
     * request's {@code field}; empty when it can be served.
     */
    List<FieldError> problems(Flow flow, String field);

    /**
     * Runs one call's inputs through the flow, its steps' calls made as {@code owner}.
     *
     * @param remoteAddr the scoring call's client, for the audit of the flow's LLM calls
     */
    Answer run(Deployments.FlowServed flow, Deployments.Owner owner, Map<String, String> inputs, String remoteAddr)
            throws InterruptedException;

    /**
     * What a run gave: the row's outputs, steps and error, and the LLM mesh's HTTP status when a step's call failed
     * (0 when it did not, or when the mesh could not be reached).
     */
    record Answer(FlowExecution.RowResult row, int failedStatus) {
    }
}
