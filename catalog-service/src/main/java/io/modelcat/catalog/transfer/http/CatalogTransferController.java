package io.modelcat.catalog.transfer.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.export.ModelArchive;
import io.modelcat.catalog.export.http.ArchiveDownload;
import io.modelcat.catalog.upload.http.UploadLimits;
import io.modelcat.catalog.problem.http.ProblemAnswers;
import io.modelcat.catalog.problem.http.SizeLimitedBody;
import io.modelcat.catalog.transfer.CatalogExportService;
import io.modelcat.catalog.transfer.CatalogImportResult;
import io.modelcat.catalog.transfer.CatalogImportService;
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
import java.util.List;
import reactor.core.publisher.Flux;

/** HTTP adapter of moving models between sites: a selection exported as one archive, and that archive imported. */
@Controller("/api/v1/catalog")
@ProblemAnswers
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Models")
public class CatalogTransferController {

    private final CatalogExportService exports;
    private final CatalogImportService imports;

    public CatalogTransferController(CatalogExportService exports, CatalogImportService imports) {
        this.exports = exports;
        this.imports = imports;
    }

    @Get(value = "/export", produces = ArchiveDownload.ZIP)
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(operationId = "exportCatalog", summary = "Export models, with their versions, lineage and metrics, for another site",
            description = "One zip: manifest.json (cards, versions with lineage, the test figures measured on them, every "
                    + "file's size and SHA-256) and each version's files under files/<version id>/. Import it on another "
                    + "ModelCat with POST /api/v1/catalog/imports.")
    @ApiResponse(responseCode = "200", description = "the archive, streamed")
    @ApiResponse(responseCode = "400", description = "a model parameter is malformed or names no model or version here")
    @ApiResponse(responseCode = "409", description = "a selected version's files are not on this server")
    public HttpResponse<Flux<byte[]>> export(
            @Parameter(description = "a model id for every version of it, or '<model id>:<version number>' for one; repeat it")
            @Nullable @QueryValue("model") List<String> model,
            @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        ModelArchive archive = exports.prepare(model, caller);
        return ArchiveDownload.of(archive);
    }

    @Post(value = "/imports", consumes = {ArchiveDownload.ZIP, "application/x-zip-compressed", "application/octet-stream"})
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Operation(operationId = "importCatalog", summary = "Import a catalog archive exported by another ModelCat",
            description = "Cards and versions keep their ids and lineage; versions here already (by id, or the same "
                    + "source revision of the same Hub repository or upload) are left as they are, so importing an "
                    + "archive again changes nothing. Every file is checked against the manifest's size and SHA-256; "
                    + "a refused or failed import leaves nothing behind.")
    @RequestBody(description = "the archive", content = @Content(mediaType = ArchiveDownload.ZIP, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "200", description = "what was added and what was here already")
    @ApiResponse(responseCode = "400", description = "the archive is refused: the problem says which entry and why")
    @ApiResponse(responseCode = "413", description = "larger than the server's request limit or modelcat.uploads.max-unpacked-size")
    public CatalogImportResult importArchive(HttpRequest<?> request, @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        if (!(request instanceof ServerHttpRequest<?> server)) {
            throw new IllegalStateException("not a server request");
        }
        try (InputStream in = new SizeLimitedBody(server.byteBody().toInputStream(), UploadLimits::tooLarge)) {
            return imports.importArchive(in, caller);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
