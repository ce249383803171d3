package io.modelcat.runner.finetune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.json.JsonMapper;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.store.DiskFull;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.SmallDisk;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and the fine-tuned model are written whole or not at all: a full disk (a small tmpfs; the tests that
 * need one are skipped, visibly, without root) leaves no partial folder, keeps the previous checkpoint and says
 * what could not be written where.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointsTest {

    /** Less than the tiny BERT's weights (about 90 KiB). */
    private static final long TOO_SMALL = 64 * 1024;

    private final JsonMapper json = JsonMapper.createDefault();
    private TransformerModel model;

    @BeforeAll
    void loadTinyBert() {
        model = ModelLoader.load(Fixtures.model("bert"));
    }

    @AfterAll
    void closeModel() {
        model.close();
    }

    private static TrainingState epoch(int n) {
        return new TrainingState(n, 10 * n, List.of("negative", "positive"), 0.5, 0, false);
    }

    @Test
    void aCheckpointThatDoesNotFitLeavesNothingAndSaysWhere() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(TOO_SMALL)) {
            Path work = Files.createDirectories(disk.root().resolve("work"));
            Checkpoints checkpoints = new Checkpoints(work, json);

            assertThatThrownBy(() -> checkpoints.save(model, epoch(1), true))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("could not write the checkpoint of epoch 1 to " + work.resolve("checkpoint"))
                    .hasMessageContaining("No space left on device")
                    .satisfies(e -> assertThat(DiskFull.is(e)).isTrue());

            try (var left = Files.list(work)) {
                assertThat(left.toList()).as("no partial checkpoint is left").isEmpty();
            }
            assertThat(checkpoints.state()).isEmpty();
        }
    }

    @Test
    void aCheckpointThatNoLongerFitsKeepsThePreviousOne() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(1024 * 1024)) {
            Path work = Files.createDirectories(disk.root().resolve("work"));
            Checkpoints checkpoints = new Checkpoints(work, json);
            checkpoints.save(model, epoch(1), true);
            disk.fill(disk.root().resolve("filler"), 16 * 1024);

            assertThatThrownBy(() -> checkpoints.save(model, epoch(2), true))
                    .satisfies(e -> assertThat(DiskFull.is(e)).isTrue());

            assertThat(checkpoints.state()).contains(epoch(1));
            try (var left = Files.list(work)) {
                assertThat(left.map(p -> p.getFileName().toString()).toList())
                        .containsExactlyInAnyOrder("checkpoint", "best");
            }
            try (TransformerModel reloaded = ModelLoader.load(checkpoints.last())) {
                assertThat(reloaded.parameters().keySet()).isEqualTo(model.parameters().keySet());
            }
        }
    }

    @Test
    void aModelThatDoesNotFitLeavesNoOutputFolder(@TempDir Path work) throws Exception {
        Checkpoints checkpoints = new Checkpoints(work, json);
        checkpoints.save(model, epoch(1), false);
        try (SmallDisk disk = SmallDisk.mount(TOO_SMALL)) {
            Path output = disk.root().resolve("models/finetuned/job");

            assertThatThrownBy(() -> Checkpoints.publish(checkpoints.last(), output))
                    .hasMessageStartingWith("could not write the fine-tuned model to " + output)
                    .satisfies(e -> assertThat(DiskFull.is(e)).isTrue());

            assertThat(SmallDisk.files(disk.root())).as("no partial model is left").isEmpty();
            try (var left = Files.list(output.getParent())) {
                assertThat(left.toList()).isEmpty();
            }
        }
    }

    @Test
    void aModelIsPublishedWithoutTheTrainingState(@TempDir Path work) {
        Checkpoints checkpoints = new Checkpoints(work.resolve("job"), json);
        checkpoints.save(model, epoch(1), false);
        Path output = work.resolve("models/finetuned/job");

        Checkpoints.publish(checkpoints.last(), output);

        assertThat(output.resolve("model.safetensors")).isRegularFile();
        assertThat(output.resolve("state.json")).doesNotExist();
        assertThat(output.resolveSibling(".job.staging")).doesNotExist();
    }

    @Test
    void aReplacementInterruptedBetweenItsRenamesKeepsThePreviousCheckpoint(@TempDir Path work) throws Exception {
        Checkpoints checkpoints = new Checkpoints(work, json);
        checkpoints.save(model, epoch(3), false);
        // A crash after the old checkpoint was moved aside and before the new one took its name.
        Files.move(checkpoints.last(), work.resolve(".checkpoint.old"));

        assertThat(checkpoints.state()).contains(epoch(3));
        assertThat(checkpoints.last().resolve("model.safetensors")).isRegularFile();
    }
}
