package io.modelcat.catalog.hub.http;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.RequestAttribute;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.access.http.AccessFilter;
import io.modelcat.catalog.access.http.RequiresRole;
import io.modelcat.catalog.hub.HubAnswers;
import io.modelcat.catalog.hub.HubCatalog;
import io.modelcat.catalog.hub.HubFile;
import io.modelcat.catalog.hub.HubRevision;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face Hub's read API over the catalog, under {@code /hub}: with {@code HF_ENDPOINT=<ModelCat>/hub} and a
 * ModelCat API token as {@code HF_TOKEN}, {@code huggingface_hub} and {@code transformers} download models from
 * ModelCat as from the Hub. Repository ids and revisions: {@link HubCatalog}.
 */
@Controller("/hub")
@ApiResponse(responseCode = "401", description = "no token, or one ModelCat does not know (X-Error-Code RepoNotFound), as "
        + "huggingface_hub expects")
@ApiResponse(responseCode = "403", description = "a token whose role may not read model files (X-Error-Code RepoNotFound)")
@ExecuteOn(TaskExecutors.BLOCKING)
// A model's files are a contributor's to download, as its archive is (GET /api/v1/models/{id}/versions/{n}/archive).
@RequiresRole(Role.CONTRIBUTOR)
@Tag(name = "Hub API", description = "The Hugging Face Hub's read API (model info, tree, file downloads) for "
        + "huggingface_hub and transformers: set HF_ENDPOINT to <ModelCat>/hub and HF_TOKEN to a ModelCat API token")
public class HubController {

    private final HubCatalog hub;

    public HubController(HubCatalog hub) {
        this.hub = hub;
    }

    @Get("/api/models/{org}/{name}")
    @Operation(operationId = "hubModelInfo", summary = "Model info of the newest version (Hub shape)",
            description = "As the Hub's GET /api/models/{repo_id}: id, sha (the version's commit id), pipeline_tag, "
                    + "tags, cardData, config, and siblings with sizes, blob ids and LFS SHA-256.")
    @ApiResponse(responseCode = "200", description = "model info")
    @ApiResponse(responseCode = "404", description = "X-Error-Code RepoNotFound or RevisionNotFound")
    public Map<String, Object> modelInfo(@PathVariable String org, @PathVariable String name) {
        return HubAnswers.modelInfo(hub.revision(hub.model(org, name), "main"));
    }

    @Get("/api/models/{org}/{name}/revision/{revision}")
    @Operation(operationId = "hubModelInfoAtRevision", summary = "Model info of one version (Hub shape)",
            description = "revision: main (the newest version with files), v<number>, <number> or a version's commit id.")
    @ApiResponse(responseCode = "200", description = "model info")
    @ApiResponse(responseCode = "404", description = "X-Error-Code RepoNotFound or RevisionNotFound")
    public Map<String, Object> modelInfoAt(@PathVariable String org, @PathVariable String name,
                                           @PathVariable String revision) {
        return HubAnswers.modelInfo(hub.revision(hub.model(org, name), revision));
    }

    @Get("/api/models/{org}/{name}/tree/{revision}")
    @Operation(operationId = "hubModelTree", summary = "The files of one version (Hub shape, as list_repo_tree reads it)")
    @ApiResponse(responseCode = "200", description = "files (type, path, size, oid, lfs) and folders")
    @ApiResponse(responseCode = "404", description = "X-Error-Code RepoNotFound or RevisionNotFound")
    public List<Map<String, Object>> tree(@PathVariable String org, @PathVariable String name,
                                          @PathVariable String revision,
                                          @Parameter(description = "list files inside folders too")
                                          @Nullable @QueryValue("recursive") String recursive) {
        return HubAnswers.tree(hub.revision(hub.model(org, name), revision),
                recursive != null && (recursive.equalsIgnoreCase("true") || recursive.equals("1")));
    }

    @Get("/api/models/{org}/{name}/tree/{revision}/{+path}")
    @Operation(operationId = "hubModelTreeFolder", summary = "The files of one folder of one version (Hub shape)")
    @ApiResponse(responseCode = "200", description = "files and folders under the folder")
    @ApiResponse(responseCode = "404", description = "X-Error-Code RepoNotFound, RevisionNotFound or EntryNotFound")
    public List<Map<String, Object>> treeFolder(@PathVariable String org, @PathVariable String name,
                                                @PathVariable String revision, @PathVariable String path,
                                                @Nullable @QueryValue("recursive") String recursive) {
        HubRevision rev = hub.revision(hub.model(org, name), revision);
        return HubAnswers.tree(hub.folder(rev, path), path, recursive != null
                && (recursive.equalsIgnoreCase("true") || recursive.equals("1")));
    }

    @Get(uri = "/{org}/{name}/resolve/{revision}/{+file}", produces = MediaType.APPLICATION_OCTET_STREAM)
    @Operation(operationId = "hubResolveFile", summary = "Download a file of one version (Hub shape; HEAD for its metadata)",
            description = "Answers with X-Repo-Commit, ETag, and for LFS files X-Linked-Etag (the SHA-256) and "
                    + "X-Linked-Size; honours Range (bytes=a-b, a-, -n) with 206 and 416.")
    @ApiResponse(responseCode = "200", description = "the file")
    @ApiResponse(responseCode = "206", description = "the requested range")
    @ApiResponse(responseCode = "404", description = "X-Error-Code RepoNotFound, RevisionNotFound or EntryNotFound")
    @ApiResponse(responseCode = "416", description = "the range is outside the file")
    public HttpResponse<?> resolve(HttpRequest<?> request, @PathVariable String org, @PathVariable String name,
                                   @PathVariable String revision, @PathVariable String file,
                                   @RequestAttribute(AccessFilter.CALLER) Caller caller) {
        HubRevision rev = hub.revision(hub.model(org, name), revision);
        HubFile found = hub.file(rev, file);
        if (request.getMethod() == HttpMethod.GET) {
            hub.downloaded(rev, found, caller);
        }
        ByteRange range;
        try {
            range = ByteRange.parse(request.getHeaders().get("Range"), found.size());
        } catch (ByteRange.Unsatisfiable e) {
            return HttpResponse.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    .header("Content-Range", "bytes */" + found.size())
                    .header("X-Repo-Commit", rev.commit());
        }
        MutableHttpResponse<?> response;
        if (request.getMethod() == HttpMethod.HEAD) {
            // What a GET would send, without the body: huggingface_hub reads a file's size from Content-Length.
            response = range == null ? HttpResponse.ok() : HttpResponse.status(HttpStatus.PARTIAL_CONTENT)
                    .header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + found.size());
            response.header("Content-Length", String.valueOf(range == null ? found.size() : range.length()))
                    .contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE);
        } else if (found.file() == null) {
            // A file the Hub API makes (a fine-tune's model card): small, held in memory.
            byte[] content = range == null ? found.content()
                    : java.util.Arrays.copyOfRange(found.content(), (int) range.first(), (int) range.last() + 1);
            response = (range == null ? HttpResponse.ok(content) : HttpResponse.status(HttpStatus.PARTIAL_CONTENT).body(content)
                    .header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + found.size()))
                    .contentType(MediaType.APPLICATION_OCTET_STREAM_TYPE);
        } else if (range == null) {
            response = HttpResponse.ok(new FileSlice(found.file(), 0, found.size()));
        } else {
            response = HttpResponse.status(HttpStatus.PARTIAL_CONTENT).body(new FileSlice(found.file(), range.first(),
                            range.length()))
                    .header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + found.size());
        }
        response.header("Accept-Ranges", "bytes")
                .header("ETag", "\"" + found.etag() + "\"")
                .header("X-Repo-Commit", rev.commit());
        if (found.lfs()) {
            response.header("X-Linked-Etag", "\"" + found.sha256() + "\"")
                    .header("X-Linked-Size", String.valueOf(found.size()));
        }
        return response;
    }
}
