package io.modelcat.catalog.flow.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.flow.FlowRequests;
import io.modelcat.catalog.flow.FlowService;
import io.modelcat.catalog.flow.FlowView;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.jobs.flow.EvaluationCatalog;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

/** Prompt flows, {@code /api/v1/flows}, and the evaluation methods of their bulk tests (docs/flows.md). */
@Controller("/api/v1")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Prompt flows", description = "Prompts and chains of prompts sent to LLMs through the mesh")
public class FlowController {

    private final FlowService flows;

    public FlowController(FlowService flows) {
        this.flows = flows;
    }

    @Get("/flows")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "List prompt flows")
    @ApiResponse(responseCode = "200", description = "the flows, by name")
    public FlowView.Flows list() {
        return flows.list();
    }

    @Get("/flows/{name}")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "One prompt flow")
    @ApiResponse(responseCode = "200", description = "the flow")
    public FlowView get(@PathVariable String name) {
        return flows.get(name);
    }

    @Post("/flows")
    @Status(HttpStatus.CREATED)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Save a new prompt flow", description = "Checked in full: names, templates (each name a "
            + "template uses must be an input or an earlier step), parsers, settings, and that each model is one a "
            + "connection allows. 409 if the name is taken.")
    @ApiResponse(responseCode = "201", description = "saved")
    public HttpResponse<FlowView> create(@Body @Valid FlowRequests.SaveFlow body,
                                         @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return HttpResponse.created(flows.create(body, caller));
    }

    @Put("/flows/{name}")
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Replace a prompt flow's definition", description = "Checked as on creation; the version "
            + "counts up. Bulk tests already asked for keep the copy they run.")
    @ApiResponse(responseCode = "200", description = "the flow as saved")
    public FlowView update(@PathVariable String name, @Body @Valid FlowRequests.SaveFlow body,
                           @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return flows.update(name, body, caller);
    }

    @Delete("/flows/{name}")
    @Status(HttpStatus.NO_CONTENT)
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Delete a prompt flow (its bulk tests stay)")
    @ApiResponse(responseCode = "204", description = "deleted")
    public void delete(@PathVariable String name, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        flows.delete(name, caller);
    }

    @Get("/evaluation-methods")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "The evaluation methods of bulk tests and the LLM judge's aspects with their default rubrics")
    @ApiResponse(responseCode = "200", description = "the methods and aspects")
    public FlowView.EvaluationMethods evaluationMethods() {
        return new FlowView.EvaluationMethods(EvaluationCatalog.METHODS, EvaluationCatalog.aspects());
    }

    @Post("/flows/{name}/run")
    @RequiresRole(Role.CONTRIBUTOR)
    @Operation(summary = "Run one row now", description = "Each step's chosen variant (else its first) is rendered "
            + "with the inputs and earlier outputs, called through the LLM mesh as the caller, and parsed. A step "
            + "that fails stops the row: the answer says which and why (200).")
    @ApiResponse(responseCode = "200", description = "the outputs and each step's answer, tokens and latency")
    public FlowView.RowResult run(@PathVariable String name, @Body @Valid FlowRequests.RunRow body,
                                  @RequestAttribute(AccessFilter.CALLER) Caller caller) throws InterruptedException {
        return flows.run(name, body, caller);
    }
}
