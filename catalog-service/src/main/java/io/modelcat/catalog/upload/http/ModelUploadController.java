package io.modelcat.catalog.upload.http;

import io.modelcat.catalog.problem.http.SizeLimitedBody;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Controller;
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
import io.modelcat.catalog.upload.ModelUploadService;
import io.modelcat.catalog.upload.UploadedModel;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;

/** HTTP adapter of model uploads: {@code POST /api/v1/model-uploads}, the archive as the body, streamed. */
@Controller("/api/v1/model-uploads")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Models")
public class ModelUploadController {

    private final ModelUploadService uploads;

    public ModelUploadController(ModelUploadService uploads) {
        this.uploads = uploads;
    }

    @Post(consumes = {"application/zip", "application/x-zip-compressed", "application/gzip", "application/x-gzip",
            "application/x-compressed-tar", "application/x-tar", "application/octet-stream"})
    @Status(HttpStatus.CREATED)
    @Operation(operationId = "uploadModel", summary = "Upload a model as an archive of its folder in the Hub's layout",
            description = "Send a .zip, .tar.gz or .tar of a model folder as save_pretrained writes it (config.json, a "
                    + "tokenizer.json or Marian's source.spm, target.spm and vocab.json, safetensors weights, optionally "
                    + "README.md with YAML front matter) as the body. "
                    + "The same checks as an import apply; the card is filled from config.json and the README's front "
                    + "matter (license, pipeline_tag, tags; base_model and datasets go to the version's lineage). "
                    + "Uploading the same name again adds a version, unless the files are the same. Nothing is kept "
                    + "of a refused, failed or cancelled upload.")
    @RequestBody(description = "the archive", content = {
            @Content(mediaType = "application/zip", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "application/gzip", schema = @Schema(type = "string", format = "binary"))})
    @ApiResponse(responseCode = "201", description = "registered (or, with created false, already there)")
    @ApiResponse(responseCode = "400", description = "a field is wrong or the archive is refused: the problem names the field and why")
    @ApiResponse(responseCode = "413", description = "larger than the server's request limit or modelcat.uploads.max-unpacked-size")
    public HttpResponse<UploadedModel> upload(
            HttpRequest<?> request,
            @Parameter(description = "the repository id, 'owner/name'") @Nullable @QueryValue("name") String name,
            @Parameter(description = "zip, tar.gz or tar; by default told from the archive's first bytes")
            @Nullable @QueryValue("format") String format,
            @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        if (!(request instanceof ServerHttpRequest<?> server)) {
            throw new IllegalStateException("not a server request");
        }
        // The request's own body, streamed with backpressure and never buffered whole.
        try (InputStream in = new SizeLimitedBody(server.byteBody().toInputStream(), UploadLimits::tooLarge)) {
            UploadedModel uploaded = uploads.upload(name, format, in, caller);
            return HttpResponse.created(uploaded, URI.create("/api/v1/models/" + uploaded.modelId()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
