package io.modelcat.catalog;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;

/** Entry point of catalog-service: the REST API and the web UI. */
@OpenAPIDefinition(info = @Info(
        title = "ModelCat catalog API",
        version = "v1",
        description = "Model cards, search and filters, Hugging Face import, datasets, jobs and metrics.",
        license = @License(name = "Apache-2.0")))
public final class CatalogApplication {

    private CatalogApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(CatalogApplication.class).banner(false).start();
    }
}
