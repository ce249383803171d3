package io.modelcat.catalog.upload.http;

import io.modelcat.catalog.problem.http.SizeLimitedBody;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
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
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.upload.UploadSession;
import io.modelcat.catalog.upload.UploadSessionRequest;
import io.modelcat.catalog.upload.UploadSessions;
import io.modelcat.catalog.upload.UploadedModel;
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
import java.util.UUID;

/**
 * HTTP adapter of chunked, resumable model uploads: {@code /api/v1/model-uploads/sessions}. A session is started with
 * the archive's size, chunks are sent with {@code PATCH ...?offset=}, and {@code POST .../commit} registers it.
 */
@Controller("/api/v1/model-uploads/sessions")
@ProblemAnswers
@ExecuteOn(TaskExecutors.BLOCKING)
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Models")
public class UploadSessionController {

    private final UploadSessions sessions;

    public UploadSessionController(UploadSessions sessions) {
        this.sessions = sessions;
    }

    @Post
    @Status(HttpStatus.CREATED)
    @Operation(operationId = "startModelUpload", summary = "Start a chunked, resumable upload of a model archive",
            description = "For archives too large for one request or one connection. Send the chunks in order with "
                    + "PATCH ?offset=, then POST .../commit. Sessions not added to for modelcat.uploads.session-ttl are removed.")
    @ApiResponse(responseCode = "201", description = "the session, at offset 0")
    @ApiResponse(responseCode = "400", description = "a field is wrong: the problem names it")
    @ApiResponse(responseCode = "413", description = "the declared size is larger than modelcat.uploads.max-unpacked-size")
    public HttpResponse<UploadSession> start(@Body @Valid UploadSessionRequest request,
                                             @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        UploadSession session = sessions.create(request.name(), request.format(), request.size(), caller);
        return HttpResponse.created(session, URI.create("/api/v1/model-uploads/sessions/" + session.id()));
    }

    @Get("/{id}")
    @Operation(operationId = "getModelUpload", summary = "A chunked upload and the offset to resume it from")
    @ApiResponse(responseCode = "404", description = "no such session (committed, cancelled or expired)")
    public UploadSession get(@PathVariable String id, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        return sessions.get(uuid(id), caller);
    }

    @Patch(uri = "/{id}", consumes = {"application/offset+octet-stream", "application/octet-stream"})
    @Operation(operationId = "appendModelUpload", summary = "Send the next chunk of a chunked upload",
            description = "The body is the chunk, streamed; offset must be the session's offset. A chunk that breaks off "
                    + "keeps what arrived: GET the session for its offset and send the rest from there.")
    @RequestBody(description = "the chunk", content = @Content(mediaType = "application/octet-stream",
            schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "200", description = "the session at its new offset")
    @ApiResponse(responseCode = "400", description = "offset is missing, not the session's, or the chunk goes past the size")
    @ApiResponse(responseCode = "409", description = "another request is sending to the session")
    @ApiResponse(responseCode = "413", description = "the chunk is larger than the server's request limit")
    public UploadSession append(HttpRequest<?> request, @PathVariable String id,
                                @Parameter(description = "the chunk's offset in the archive") @Nullable @QueryValue("offset") Long offset,
                                @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        if (!(request instanceof ServerHttpRequest<?> server)) {
            throw new IllegalStateException("not a server request");
        }
        UUID session = uuid(id);
        try (InputStream in = new SizeLimitedBody(server.byteBody().toInputStream(), UploadLimits::tooLarge)) {
            return sessions.append(session, offset, in, caller);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Post("/{id}/commit")
    @Status(HttpStatus.CREATED)
    @Operation(operationId = "commitModelUpload", summary = "Register a chunked upload's archive",
            description = "As POST /api/v1/model-uploads with the whole archive: the same checks and answer. The session "
                    + "is removed, whether the archive was registered or refused.")
    @ApiResponse(responseCode = "201", description = "registered (or, with created false, already there)")
    @ApiResponse(responseCode = "400", description = "the archive is refused: the problem says why")
    @ApiResponse(responseCode = "409", description = "the session has not received its whole size yet")
    @ApiResponse(responseCode = "413", description = "the unpacked archive is larger than modelcat.uploads.max-unpacked-size")
    public HttpResponse<UploadedModel> commit(@PathVariable String id, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        UploadedModel uploaded = sessions.commit(uuid(id), caller);
        return HttpResponse.created(uploaded, URI.create("/api/v1/models/" + uploaded.modelId()));
    }

    @Delete("/{id}")
    @Status(HttpStatus.NO_CONTENT)
    @Operation(operationId = "cancelModelUpload", summary = "Cancel a chunked upload, removing what it received")
    public void cancel(@PathVariable String id, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        sessions.cancel(uuid(id), caller);
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("id", "'" + id + "' is not an upload session id (a UUID)");
        }
    }
}
