package io.modelcat.catalog;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/** Entry point of catalog-service: the REST API and the web UI. */
@OpenAPIDefinition(info = @Info(
        title = "ModelCat catalog API",
        version = "v1",
        description = "Model cards, search and filters, Hugging Face import, datasets, jobs and metrics. Every call "
                + "but sign-in needs a personal API token (Authorization: Bearer mc_pat_...; create one on the UI's "
                + "Account page) or the UI's session cookie with its X-CSRF-Token. Roles: viewer < contributor < admin.",
        license = @License(name = "Apache-2.0")),
        security = {@SecurityRequirement(name = "apiToken"), @SecurityRequirement(name = "session")})
@SecurityScheme(name = "apiToken", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "A personal API token: mc_pat_...")
@SecurityScheme(name = "session", type = SecuritySchemeType.APIKEY, in = SecuritySchemeIn.COOKIE,
        paramName = "modelcat_session", description = "The web UI's session (changes also need the X-CSRF-Token header)")
public final class CatalogApplication {

    private CatalogApplication() {
    }

    public static void main(String[] args) {
        String logFormat = System.getenv().getOrDefault("MODELCAT_LOG_FORMAT", "").strip().toLowerCase(java.util.Locale.ROOT);
        if (!logFormat.isEmpty() && !logFormat.equals("text") && !logFormat.equals("json")) {
            // logback.xml includes logback-<format>.xml: an unknown one would silently log nothing.
            System.err.println("MODELCAT_LOG_FORMAT must be 'text' or 'json', not '" + System.getenv("MODELCAT_LOG_FORMAT") + "'");
            System.exit(2);
        }
        // Logback reads system properties before the environment: it gets the format checked and normalised.
        System.setProperty("MODELCAT_LOG_FORMAT", logFormat.isEmpty() ? "text" : logFormat);
        Micronaut.build(args).mainClass(CatalogApplication.class).banner(false).start();
    }
}
