package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MODELCAT_HOME on a small file system (a 4 MiB tmpfs the test mounts) that fills up: a dataset upload answers 507
 * and keeps nothing, an import fails with a message saying the disk is full and leaves no partial files, and the
 * system goes on serving: a small upload and, once space is freed, the same import succeed. Mounting needs root;
 * elsewhere the test is skipped, visibly.
 */
class DiskFullSystemTest {

    private Path mount;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mount = Files.createTempDirectory("modelcat-small-disk");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assumeTrue(p.waitFor() == 0, "mounting a tmpfs needs root (mount said: " + said.strip() + ")");
    }

    @AfterEach
    void unmount() throws Exception {
        new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor();
    }

    @Test
    void aFullDiskRefusesWritesCleanlyAndTheSystemGoesOn() throws Exception {
        Path home = mount.resolve("home");
        try (FakeHub hub = FakeHub.start(); RunningSystem system = new RunningSystem(Map.of(
                "HF_ENDPOINT", hub.endpoint().toString(), "MODELCAT_HOME", home.toString()))) {
            hub.addRepo("hf-tiny/bert", Fixtures.model("bert"));
            system.addRunner("runner", Map.of());

            // 6 MB of CSV into 4 MiB.
            RunningSystem.Answer full = system.upload("/api/v1/datasets?name=big", "text/csv",
                    SentimentData.csv(120_000, 7));
            assertThat(full.status()).as(full.body()).isEqualTo(507);
            assertThat(full.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
            assertThat((String) full.map().get("detail")).contains("disk is full").contains("nothing of it was kept");
            assertThat(system.get("/api/v1/datasets").items()).isEmpty();
            assertThat(files(home.resolve("datasets"))).isEmpty();

            RunningSystem.Answer small = system.upload("/api/v1/datasets?name=small", "text/csv", SentimentData.csv(50, 7));
            assertThat(small.status()).as(small.body()).isEqualTo(201);

            // Leave too little room for the model (about 100 KiB).
            Path filler = mount.resolve("filler");
            fill(filler, 16 * 1024);
            Object failedImport = system.post("/api/v1/imports", Map.of("modelId", "hf-tiny/bert")).map().get("id");
            Map<String, Object> failed = system.awaitJob(failedImport, Duration.ofMinutes(2), "succeeded", "failed");
            assertThat(failed).containsEntry("state", "failed").containsEntry("attempt", 1);
            assertThat((String) failed.get("error")).startsWith("The disk under MODELCAT_HOME is full");
            assertThat(files(home.resolve("models"))).as("no partial download is left").isEmpty();

            Files.delete(filler);
            Object retried = system.post("/api/v1/imports", Map.of("modelId", "hf-tiny/bert")).map().get("id");
            assertThat(system.awaitJob(retried, Duration.ofMinutes(2), "succeeded", "failed")).containsEntry("state", "succeeded");
        }
    }

    /** Writes zeros until only {@code leaveBytes} are free (a full disk ends the writing). */
    private static void fill(Path file, long leaveBytes) throws IOException {
        FileStore store = Files.getFileStore(file.getParent());
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (store.getUsableSpace() > leaveBytes + block.length) {
                out.write(block);
                out.flush();
            }
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
