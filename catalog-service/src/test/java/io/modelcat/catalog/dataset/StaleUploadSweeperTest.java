package io.modelcat.catalog.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleUploadSweeperTest {

    @TempDir
    Path home;

    @Test
    void removesOnlyOldPartFiles() throws Exception {
        Path incoming = Files.createDirectories(home.resolve("datasets/.incoming"));
        Path old = Files.writeString(incoming.resolve("upload-1.part"), "old");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(StaleUploadSweeper.STALE_AFTER).minusSeconds(60)));
        Path fresh = Files.writeString(incoming.resolve("upload-2.part"), "in progress");
        Path other = Files.writeString(incoming.resolve("notes.txt"), "not ours");
        Files.setLastModifiedTime(other, FileTime.from(Instant.EPOCH));
        DatasetSettings settings = new DatasetSettings(home.resolve("datasets").toString(), 1024, 1024, 0, 1000);

        int removed = new StaleUploadSweeper(settings).sweep(Instant.now().minus(StaleUploadSweeper.STALE_AFTER));

        assertThat(removed).isEqualTo(1);
        assertThat(old).doesNotExist();
        assertThat(fresh).exists();
        assertThat(other).exists();
    }

    @Test
    void aMissingFolderIsFine() {
        DatasetSettings settings = new DatasetSettings(home.resolve("nothing").toString(), 1024, 1024, 0, 1000);
        assertThat(new StaleUploadSweeper(settings).sweep(Instant.now())).isZero();
    }
}
