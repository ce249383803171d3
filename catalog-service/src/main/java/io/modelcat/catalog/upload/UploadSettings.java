package io.modelcat.catalog.upload;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.convert.format.ReadableBytes;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;

/** Where uploaded and imported models are kept and how large an upload may unpack (modelcat.uploads.*). */
@Singleton
public final class UploadSettings {

    private final Path modelsDirectory;
    private final long maxUnpackedSize;
    private final int maxFiles;
    private final Duration sessionTtl;

    public UploadSettings(@Value("${modelcat.home}") String home,
                          @Value("${modelcat.uploads.max-unpacked-size:200GB}") @ReadableBytes long maxUnpackedSize,
                          @Value("${modelcat.uploads.max-files:10000}") int maxFiles,
                          @Value("${modelcat.uploads.session-ttl:24h}") Duration sessionTtl) {
        this.modelsDirectory = Path.of(home, "models", "uploaded").toAbsolutePath().normalize();
        this.maxUnpackedSize = maxUnpackedSize;
        this.maxFiles = maxFiles;
        this.sessionTtl = sessionTtl;
    }

    /** Chunked upload sessions, one folder each. */
    public Path sessions() {
        return modelsDirectory.resolve(".sessions");
    }

    /** How long an upload session may go without a new chunk before it is removed. */
    public Duration sessionTtl() {
        return sessionTtl;
    }

    /** Uploaded models' folders ({@code models--owner--name/<revision>}); uploads in progress sit in its {@code .incoming}. */
    public Path modelsDirectory() {
        return modelsDirectory;
    }

    /** Versions brought from another site by catalog imports, one folder per version and import. */
    public Path importedDirectory() {
        return modelsDirectory.resolveSibling("imported");
    }

    public Path incoming() {
        return modelsDirectory.resolve(".incoming");
    }

    /** The most bytes an archive may unpack to (a guard against archive bombs). */
    public long maxUnpackedSize() {
        return maxUnpackedSize;
    }

    /** The most files an archive may hold. */
    public int maxFiles() {
        return maxFiles;
    }
}
