package io.modelcat.catalog.model.http;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.RequestBean;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.SerdeImport;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.model.CatalogReads;
import io.modelcat.catalog.model.ModelService;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.store.model.ModelPlans;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/** How PostgreSQL answers the catalog's list requests: {@code /api/v1/catalog/plans}, for admins. */
@Controller("/api/v1/catalog")
@RequiresRole(Role.ADMIN)
@ProblemAnswers
@Tag(name = "Models")
@SerdeImport(ModelPlans.class)
public class CatalogPlanController {

    private final ModelService models;

    public CatalogPlanController(ModelService models) {
        this.models = models;
    }

    @Get("/plans")
    @ExecuteOn(CatalogReads.NAME)
    @Operation(summary = "How PostgreSQL answers a list of model cards (admins only)",
            description = "Takes the parameters of GET /api/v1/models and answers EXPLAIN (ANALYZE, BUFFERS) of the "
                    + "statement that reads the page (page) and, unless facets=false, of the one that counts the "
                    + "facets (facets), run with the request's values (reads only; the page cache is not used). For "
                    + "finding out why a list is slow "
                    + "on a given database (docs/operations.md).")
    public ModelPlans plans(@RequestBean ListParameters parameters) {
        return models.plans(parameters.validate(models));
    }
}
