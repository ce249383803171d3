package io.modelcat.catalog.worker.http;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.worker.WorkerDirectory;
import io.modelcat.catalog.worker.WorkerView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;

/** HTTP adapter of the worker list: {@code /api/v1/workers}. */
@Controller("/api/v1/workers")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.VIEWER)
@Tag(name = "Workers", description = "The job-runners, their devices and what they run")
public class WorkerController {

    private final WorkerDirectory workers;

    public WorkerController(WorkerDirectory workers) {
        this.workers = workers;
    }

    @Get
    @Operation(summary = "List live job-runners with their devices and running jobs")
    public List<WorkerView> list() {
        return workers.live();
    }
}
