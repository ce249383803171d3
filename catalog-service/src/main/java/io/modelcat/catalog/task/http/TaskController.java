package io.modelcat.catalog.task.http;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.task.TaskRegistryView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** HTTP adapter of the task registry: {@code /api/v1/tasks}. */
@Controller("/api/v1/tasks")
@ProblemAnswers
@RequiresRole(Role.VIEWER)
@Tag(name = "Tasks", description = "What each task takes and measures, and the settings of evaluate and fine-tune jobs")
public class TaskController {

    private static final TaskRegistryView REGISTRY = TaskRegistryView.current();

    @Get
    @Operation(summary = "The tasks: dataset inputs, metrics with their direction, what the engine runs, and the job settings")
    public TaskRegistryView registry() {
        return REGISTRY;
    }
}
