package io.modelcat.catalog.dataset.http;

import io.modelcat.catalog.dataset.DatasetTooLargeException;
import io.modelcat.catalog.problem.http.SizeLimitedBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.http.annotation.Status;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.dataset.Dataset;
import io.modelcat.catalog.dataset.DatasetPage;
import io.modelcat.catalog.dataset.DatasetPreview;
import io.modelcat.catalog.dataset.DatasetService;
import io.modelcat.catalog.dataset.DatasetSettings;
import io.modelcat.catalog.dataset.MappingCheck;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.RequestIds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;

/** HTTP adapter of datasets: {@code /api/v1/datasets}. Uploads are the raw file as the request body, streamed. */
@Controller("/api/v1/datasets")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Datasets", description = "Uploaded training and evaluation data, previews and column-mapping checks")
public class DatasetController {

    private final DatasetService datasets;
    private final DatasetSettings settings;

    public DatasetController(DatasetService datasets, DatasetSettings settings) {
        this.datasets = datasets;
        this.settings = settings;
    }

    @Post(consumes = {"text/csv", "text/tab-separated-values", "application/x-ndjson", "application/jsonl",
            "application/x-jsonlines", "application/json", "application/octet-stream", "text/plain"})
    @Status(HttpStatus.CREATED)
    @Operation(operationId = "uploadDataset", summary = "Upload a dataset",
            description = "Send the file itself as the body (UTF-8). The format comes from ?format=, else the "
                    + "Content-Type, else the name's extension. The file is streamed to disk and read once to find its "
                    + "columns, types, row count and preview; a file that cannot be read is refused (400) and not kept.")
    @RequestBody(description = "the dataset file", content = {
            @Content(mediaType = "text/csv", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "text/tab-separated-values", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "application/jsonl", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "application/json", schema = @Schema(type = "string", format = "binary"))})
    @ApiResponse(responseCode = "201", description = "stored")
    @ApiResponse(responseCode = "400", description = "the file cannot be read: the problem names the line")
    @ApiResponse(responseCode = "413", description = "larger than modelcat.datasets.max-size")
    public HttpResponse<Dataset> upload(
            HttpRequest<?> request,
            @Parameter(description = "a name for the dataset") @Nullable @QueryValue("name") String name,
            @Parameter(description = "jsonl, json, csv or tsv") @Nullable @QueryValue("format") String format,
            @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        if (!(request instanceof ServerHttpRequest<?> server)) {
            throw new IllegalStateException("not a server request");
        }
        String contentType = request.getHeaders().get("Content-Type");
        // The primary operation on the request's own body: it streams with backpressure, never buffered whole.
        try (InputStream in = new SizeLimitedBody(server.byteBody().toInputStream(),
                exceeded -> new DatasetTooLargeException(settings.maxSize()))) {
            Dataset dataset = datasets.upload(name, format, contentType, in, caller);
            return HttpResponse.created(dataset, URI.create("/api/v1/datasets/" + dataset.id()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get
    @RequiresRole(Role.VIEWER)
    @Operation(operationId = "listDatasets", summary = "List datasets, newest first", description = "Pages continue with the returned nextCursor.")
    public DatasetPage list(
            @Parameter(description = "page size, 1 to 100 (default 20)") @Nullable @QueryValue("limit") Integer limit,
            @Parameter(description = "nextCursor of the previous page") @Nullable @QueryValue("cursor") String cursor) {
        return datasets.list(limit, cursor);
    }

    @Get("/{id}")
    @RequiresRole(Role.VIEWER)
    @Operation(operationId = "getDataset", summary = "Read a dataset: its columns and types, row count and bad rows")
    public Dataset get(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        return datasets.get(RequestIds.parse("id", id));
    }

    @Get("/{id}/preview")
    @Operation(operationId = "previewDataset", summary = "The first 50 rows of a dataset",
            description = "Rows of the data: contributors and admins only.")
    public DatasetPreview preview(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id) {
        return datasets.preview(RequestIds.parse("id", id));
    }

    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "deleteDataset", summary = "Delete a dataset and its file",
            description = "Only its uploader or an admin may; refused (409) while a queued or running job reads it.")
    public void delete(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        datasets.delete(RequestIds.parse("id", id), caller);
    }

    @Post("/{id}/mapping-check")
    @Operation(operationId = "checkDatasetMapping", summary = "Check a column mapping for a task",
            description = "Answers the resolved mapping (every input the task reads, with its column), or 400 with "
                    + "one error per bad input, named mapping.<input>, listing the dataset's columns.")
    public MappingCheck.Result checkMapping(@PathVariable @Parameter(schema = @Schema(format = "uuid")) String id, @Body @Valid MappingCheck.Request request) {
        return datasets.checkMapping(RequestIds.parse("id", id), request);
    }
}
