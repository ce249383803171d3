package io.modelcat.catalog.dataset;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.convert.format.ReadableBytes;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/** The dataset settings (modelcat.datasets.*): where files live and how large they and their records may be. */
@Singleton
public final class DatasetSettings {

    private final Path directory;
    private final long maxSize;
    private final int maxRecordSize;
    private final long maxBadRows;
    private final long maxRows;

    public DatasetSettings(@Value("${modelcat.datasets.dir}") String directory,
                           @Value("${modelcat.datasets.max-size:1GB}") @ReadableBytes long maxSize,
                           @Value("${modelcat.datasets.max-record-size:1MB}") @ReadableBytes int maxRecordSize,
                           @Value("${modelcat.datasets.max-bad-rows:0}") long maxBadRows,
                           @Value("${modelcat.datasets.max-rows:10000000}") long maxRows) {
        this.directory = Path.of(directory).toAbsolutePath().normalize();
        this.maxSize = maxSize;
        this.maxRecordSize = maxRecordSize;
        this.maxBadRows = maxBadRows;
        this.maxRows = maxRows;
    }

    /** Where dataset files are stored; uploads in progress sit in its {@code .incoming} folder. */
    public Path directory() {
        return directory;
    }

    public long maxSize() {
        return maxSize;
    }

    public int maxRecordSize() {
        return maxRecordSize;
    }

    /** The most rows a dataset may hold. */
    public long maxRows() {
        return maxRows;
    }

    /** How many unreadable records an upload may hold and still be accepted (0: none). */
    public long maxBadRows() {
        return maxBadRows;
    }
}
