package io.modelcat.system.ml;

import static io.modelcat.testsupport.ModelArchives.aModelArchive;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.SmallDisk;
import io.modelcat.testsupport.hub.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MODELCAT_HOME on a small file system (a 4 MiB tmpfs the test mounts) that fills up. A dataset upload, a model
 * upload and a catalog import answer 507 and keep nothing, an import fails with a message saying the disk is full and leaves no partial files; a fine-tune
 * whose checkpoint, or whose final model, does not fit fails saying so and where, and leaves no partial checkpoint or
 * model folder. The system goes on serving and the runner goes on taking jobs: a small upload and, once space is
 * freed, the same import and another fine-tune succeed. Mounting needs root; elsewhere the test is skipped, visibly.
 */
class DiskFullSystemTest {

    private SmallDisk disk;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        disk = SmallDisk.mount(4 * 1024 * 1024);
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void aFullDiskRefusesWritesCleanlyAndTheSystemGoesOn() throws Exception {
        Path home = disk.root().resolve("home");
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
            assertThat(SmallDisk.files(home.resolve("datasets"))).isEmpty();

            RunningSystem.Answer small = system.upload("/api/v1/datasets?name=small", "text/csv", SentimentData.csv(50, 7));
            assertThat(small.status()).as(small.body()).isEqualTo(201);

            // A model archive, then the same bytes as a catalog archive, of 6 MiB (random: they do not compress).
            byte[] padding = new byte[6 * 1024 * 1024];
            new Random(3).nextBytes(padding);
            byte[] big = aModelArchive().from(Fixtures.model("bert")).with("padding.bin", padding).zip();
            for (String path : List.of("/api/v1/model-uploads?name=acme/too-big", "/api/v1/catalog/imports")) {
                RunningSystem.Answer refused = system.upload(path, "application/zip", big);
                assertThat(refused.status()).as(path + ": " + refused.body()).isEqualTo(507);
                assertThat((String) refused.map().get("detail")).as(path).contains("disk is full");
            }
            assertThat(system.get("/api/v1/models?q=too-big").items()).isEmpty();
            assertThat(SmallDisk.files(home.resolve("models"))).as("nothing of either upload is left").isEmpty();

            // Leave too little room for the model (about 100 KiB).
            Path filler = disk.fill(disk.root().resolve("filler"), 16 * 1024);
            Object failedImport = system.post("/api/v1/imports", Map.of("modelId", "hf-tiny/bert")).map().get("id");
            Map<String, Object> failed = system.awaitJob(failedImport, Duration.ofMinutes(2), "succeeded", "failed");
            assertThat(failed).containsEntry("state", "failed").containsEntry("attempt", 1);
            assertThat((String) failed.get("error")).startsWith("The disk under MODELCAT_HOME is full");
            assertThat(SmallDisk.files(home.resolve("models"))).as("no partial download is left").isEmpty();

            Files.delete(filler);
            Object retried = system.post("/api/v1/imports", Map.of("modelId", "hf-tiny/bert")).map().get("id");
            assertThat(system.awaitJob(retried, Duration.ofMinutes(2), "succeeded", "failed")).containsEntry("state", "succeeded");
        }
    }

    @Test
    void aFineTuneWhoseCheckpointOrModelDoesNotFitFailsCleanlyAndTheRunnerGoesOn() throws Exception {
        Path home = disk.root().resolve("home");
        try (FakeHub hub = FakeHub.start(); RunningSystem system = new RunningSystem(Map.of(
                "HF_ENDPOINT", hub.endpoint().toString(), "MODELCAT_HOME", home.toString()))) {
            hub.addRepo("hf-tiny/bert", Fixtures.model("bert"));
            system.addRunner("runner", Map.of());
            Object importJob = system.post("/api/v1/imports", Map.of("modelId", "hf-tiny/bert")).map().get("id");
            String model = (String) ((Map<?, ?>) system.awaitJob(importJob, Duration.ofMinutes(2), "succeeded")
                    .get("result")).get("modelId");
            String data = (String) system.upload("/api/v1/datasets?name=reviews", "text/csv",
                    SentimentData.csv(200, 3)).map().get("id");
            Map<String, Object> request = Map.of("modelId", model, "task", "text-classification", "trainDatasetId", data,
                    "mapping", Map.of("sentence1", "review", "label", "sentiment"),
                    "hyperparameters", Map.of("epochs", 1, "batchSize", 16, "learningRate", 3e-3));
            Path work = home.resolve("work");
            Path finetuned = home.resolve("models/finetuned");

            // With room: how much a fine-tune writes (its checkpoints, then its model).
            Object first = finetune(system, request);
            assertThat(system.awaitJob(first, Duration.ofMinutes(3), "succeeded", "failed")).containsEntry("state", "succeeded");
            long checkpoints = allocated(work.resolve(first.toString()));
            long output = allocated(finetuned.resolve(first.toString()));
            assertThat(checkpoints).isPositive();
            assertThat(output).isPositive();

            // Room for half a checkpoint: the first epoch's checkpoint fills the disk.
            Path filler = disk.fill(disk.root().resolve("filler"), checkpoints / 4);
            Object noCheckpoint = finetune(system, request);
            Map<String, Object> failed = system.awaitJob(noCheckpoint, Duration.ofMinutes(3), "succeeded", "failed");
            assertThat(failed).containsEntry("state", "failed").containsEntry("attempt", 1);
            assertThat((String) failed.get("error")).as(failed.toString())
                    .startsWith("The disk under MODELCAT_HOME is full (" + home + "): free space, then run the job again")
                    .contains("could not write the checkpoint of epoch 1 to " + work.resolve(noCheckpoint + "/checkpoint"))
                    .contains("No space left on device");
            assertThat(entries(work.resolve(noCheckpoint.toString()))).as("no partial checkpoint is left").isEmpty();
            assertThat(entries(finetuned)).doesNotContain(noCheckpoint.toString(), "." + noCheckpoint + ".staging");
            assertThat(system.post("/api/v1/jobs/" + noCheckpoint + "/register", Map.of("name", "half-written")).status()).isEqualTo(409);
            Files.delete(filler);

            // Room for the checkpoints but not for the model copied out of them.
            filler = disk.fill(disk.root().resolve("filler"), checkpoints + output / 2);
            Object noModel = finetune(system, request);
            failed = system.awaitJob(noModel, Duration.ofMinutes(3), "succeeded", "failed");
            assertThat(failed).containsEntry("state", "failed").containsEntry("attempt", 1);
            assertThat((String) failed.get("error")).as(failed.toString())
                    .startsWith("The disk under MODELCAT_HOME is full (" + home + ")")
                    .contains("could not write the fine-tuned model to " + finetuned.resolve(noModel.toString()));
            assertThat(entries(finetuned)).as("no partial model folder is left")
                    .doesNotContain(noModel.toString(), "." + noModel + ".staging");
            assertThat(entries(work.resolve(noModel.toString()))).as("only whole checkpoints are kept")
                    .allSatisfy(name -> assertThat(name).isIn("checkpoint", "best"));
            assertThat(system.post("/api/v1/jobs/" + noModel + "/register", Map.of("name", "half-written")).status()).isEqualTo(409);
            Files.delete(filler);

            // The same runner takes the next job, which has room and succeeds.
            Object next = finetune(system, request);
            Map<String, Object> done = system.awaitJob(next, Duration.ofMinutes(3), "succeeded", "failed");
            assertThat(done).as(done.toString()).containsEntry("state", "succeeded");
            assertThat(finetuned.resolve(next + "/model.safetensors")).isRegularFile();
            assertThat(system.workers()).hasSize(1);
        }
    }

    private static Object finetune(RunningSystem system, Map<String, Object> request) {
        RunningSystem.Answer submitted = system.post("/api/v1/finetunes", request);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        return submitted.map().get("id");
    }

    /** The bytes a folder's files take on the tmpfs: whole pages. */
    private static long allocated(Path dir) throws IOException {
        long bytes = 0;
        for (Path file : SmallDisk.files(dir)) {
            bytes += (Files.size(file) + 4095) / 4096 * 4096;
        }
        return bytes;
    }

    /** The names in a folder (none when it does not exist). */
    private static List<String> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }
}
