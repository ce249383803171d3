package io.modelcat.catalog.export.http;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.modelcat.catalog.export.ModelArchive;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/** A {@link ModelArchive} as a zip download, written as the client reads it. */
public final class ArchiveDownload {

    /** The media type of the archives. */
    public static final String ZIP = "application/zip";

    private ArchiveDownload() {
    }

    /** The answer that streams the archive as an attachment under its file name. */
    public static HttpResponse<Flux<byte[]>> of(ModelArchive archive) {
        // Chunks are produced on demand (back-pressure), reading files on a thread that may block.
        Flux<byte[]> body = Flux.using(archive::chunks, chunks -> Flux.fromIterable(() -> chunks),
                        ModelArchive.Chunks::close)
                .subscribeOn(Schedulers.boundedElastic());
        return HttpResponse.ok(body)
                .contentType(MediaType.of(ZIP))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + archive.fileName() + "\"");
    }
}
