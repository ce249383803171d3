package io.modelcat.catalog.hub.http;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.hub.HubCatalog;
import io.modelcat.catalog.hub.HubNotFoundException;
import io.modelcat.catalog.hub.HubPython;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelService;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** The Python lines that load a model through the Hub API, for the model page's "Use from Python". */
@Controller("/api/v1/models")
@ProblemAnswers
// Loading the model downloads its files, which are a contributor's (as on the Hub API itself).
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Models")
public class HubPythonController {

    private final ModelService models;
    private final HubCatalog hub;

    public HubPythonController(ModelService models, HubCatalog hub) {
        this.models = models;
        this.hub = hub;
    }

    @Get("/{id}/python")
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(operationId = "modelPython", summary = "Python that loads the model through the Hub API",
            description = "With HF_ENDPOINT=<ModelCat>/hub and a ModelCat API token as HF_TOKEN: transformers' lines for "
                    + "the newest version with files, or peft's when that version is a LoRA adapter (its base comes "
                    + "from the catalog too); repoId, versionNumber and library (transformers or peft) beside them.")
    @ApiResponse(responseCode = "200", description = "the lines")
    @ApiResponse(responseCode = "404", description = "no such model, or it has no version with files yet")
    public HubPython python(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        ModelCard card = models.get(RequestIds.parse("id", id));
        try {
            return hub.python(card);
        } catch (HubNotFoundException e) {
            throw new NotFoundException("Model " + card.summary().id()
                    + " has no version with files yet: import or upload one");
        }
    }
}
