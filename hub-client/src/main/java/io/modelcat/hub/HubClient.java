package io.modelcat.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client for the Hugging Face Hub HTTP API: model info and verified, resumable file downloads.
 * Thread-safe; one instance can serve the whole application. Never logs or prints the token.
 */
public final class HubClient {

    /** Largest small file (e.g. a shard index) {@link #fetchSmallFile} reads into memory by default. */
    public static final int DEFAULT_SMALL_FILE_LIMIT = 16 * 1024 * 1024;

    private static final int MAX_MODEL_INFO_BYTES = 64 * 1024 * 1024;

    private final HubHttp http;
    private final ModelInfoParser parser;
    private final Executor hashing;

    public HubClient(HubClientSettings settings) {
        this.http = new HubHttp(Objects.requireNonNull(settings, "settings"));
        this.parser = new ModelInfoParser(new ObjectMapper());
        this.hashing = hashingThreads();
    }

    /**
     * One thread per running download hashes what it receives (see {@link BackgroundSha256}); idle threads end after
     * a minute and none keeps the JVM alive, so the client needs no closing.
     */
    private static Executor hashingThreads() {
        AtomicInteger count = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hub-sha256-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A client configured from {@code HF_ENDPOINT}, {@code HF_TOKEN} and {@code HF_HUB_DOWNLOAD_TIMEOUT}. */
    public static HubClient fromEnvironment() {
        return new HubClient(HubClientSettings.fromEnvironment(System.getenv()));
    }

    public HubClientSettings settings() {
        return http.settings();
    }

    /**
     * {@code GET /api/models/{repo_id}[/revision/{rev}]?blobs=true}: the repository's metadata and files with sizes
     * and LFS hashes, at {@code id}'s revision (default branch when none).
     *
     * @throws HubException NOT_FOUND, GATED_OR_PRIVATE, RATE_LIMITED, NETWORK or INVALID_RESPONSE
     */
    public ModelInfo modelInfo(ModelId id) {
        Objects.requireNonNull(id, "id");
        byte[] json = http.getBytes(http.uri(HubPaths.modelInfoPath(id) + "?blobs=true"), new HubHttp.Target(id, null),
                MAX_MODEL_INFO_BYTES);
        return parser.parse(json);
    }

    /** Reads a small repository file (a shard index, a model card) into memory, at {@code id}'s revision. */
    public byte[] fetchSmallFile(ModelId id, String filename, int maxBytes) {
        Objects.requireNonNull(id, "id");
        HubPaths.checkFilename(filename);
        return http.getBytes(http.uri(HubPaths.resolvePath(id, id.revisionOrDefault(), filename)),
                new HubHttp.Target(id, filename), maxBytes);
    }

    /**
     * {@code GET /{repo_id}/resolve/{revision}/{filename}} into {@code destination}: follows the Hub's redirects
     * (the token is not sent to other hosts), streams to a temp file beside {@code destination}, resumes with
     * {@code Range} after a broken connection, verifies size and SHA-256 when known (from {@code file}'s LFS
     * metadata or the {@code X-Linked-Etag} header), then atomically renames into place. On failure nothing is left.
     *
     * @param id          repository and revision (default branch when none)
     * @param file        the file; its size and LFS hash are checked when present ({@link RepoFile#named} when unknown)
     * @param destination where the file goes; parent directories are created
     * @param progress    progress listener
     * @throws HubException NOT_FOUND, GATED_OR_PRIVATE, RATE_LIMITED, NETWORK, CHECKSUM_MISMATCH or STORAGE
     */
    public DownloadedFile download(ModelId id, RepoFile file, Path destination, DownloadProgress progress) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(destination, "destination");
        HubPaths.checkFilename(file.rfilename());
        return new FileDownload(http, hashing, id, id.revisionOrDefault(), file, destination,
                progress == null ? DownloadProgress.NONE : progress).run();
    }

    @Override
    public String toString() {
        return "HubClient[" + http.settings() + "]";
    }
}
