package io.modelcat.catalog.model.http;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.QueryValue;
import io.modelcat.catalog.model.ModelService;
import io.modelcat.catalog.problem.http.QueryFlags;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The query parameters of a list of model cards, as the client sent them: the list and its plans take the same. */
@Introspected
public record ListParameters(
        @Parameter(description = "inference task, repeatable") @Nullable @QueryValue("task") List<String> task,
        @Parameter(description = "fine-tuning task, repeatable") @Nullable @QueryValue("finetuningTask") List<String> finetuningTask,
        @Parameter(description = "licence, repeatable") @Nullable @QueryValue("license") List<String> license,
        @Parameter(description = "tag, repeatable") @Nullable @QueryValue("tag") List<String> tag,
        @Parameter(description = "free text over name, tags, publisher, repository and description") @Nullable @QueryValue("q") String q,
        @Parameter(description = "name, -name, createdAt, -createdAt, updatedAt, -updatedAt, relevance (default: name, or relevance with q; relevance ranks words in the name first, then tags, publisher and repository, then the excerpt; words found only further down the description rank last)") @Nullable @QueryValue("sort") String sort,
        @Parameter(description = "page size, 1 to 100 (default 20)") @Nullable @QueryValue("limit") Integer limit,
        @Parameter(description = "nextCursor of the previous page") @Nullable @QueryValue("cursor") String cursor,
        @Parameter(description = "include total and facet counts: true (default) or false",
                schema = @Schema(type = "boolean")) @Nullable @QueryValue("facets") String facets) {

    /** The validated request (400 naming each bad parameter). */
    ModelService.ListRequest validate(ModelService models) {
        return models.listRequest(task, finetuningTask, license, tag, q, sort, limit, cursor,
                QueryFlags.parse("facets", facets, true));
    }
}
