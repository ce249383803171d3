package io.modelcat.catalog.dataset;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes upload temp files a crashed process left in {@code .incoming}. Only files untouched for a day
 * go: another catalog-service sharing the folder may be receiving an upload right now.
 */
@Singleton
class StaleUploadSweeper {

    static final Duration STALE_AFTER = Duration.ofDays(1);
    private static final Logger LOG = LoggerFactory.getLogger(StaleUploadSweeper.class);

    private final DatasetSettings settings;

    StaleUploadSweeper(DatasetSettings settings) {
        this.settings = settings;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        sweep(Instant.now().minus(STALE_AFTER));
    }

    /** Deletes {@code .part} files last modified before {@code cutoff}; returns how many went. */
    int sweep(Instant cutoff) {
        Path incoming = settings.directory().resolve(".incoming");
        if (!Files.isDirectory(incoming)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(incoming, "*.part")) {
            for (Path part : parts) {
                if (Files.getLastModifiedTime(part).toInstant().isBefore(cutoff) && Files.deleteIfExists(part)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot clean up stale uploads in {}: {}", incoming, e.toString());
        }
        if (removed > 0) {
            LOG.info("removed {} stale upload file(s) from {}", removed, incoming);
        }
        return removed;
    }
}
