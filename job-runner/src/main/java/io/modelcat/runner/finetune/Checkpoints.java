package io.modelcat.runner.finetune;

import io.micronaut.json.JsonMapper;
import io.modelcat.ml.model.ModelSaver;
import io.modelcat.ml.model.TransformerModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A fine-tune's checkpoints in its work directory: {@code checkpoint/} (the last completed epoch, a
 * Hugging Face directory) with {@code state.json}, and {@code best/} (the epoch with the best
 * validation figure). Each is written under a temporary name and renamed, so a crash mid-write
 * leaves the previous one intact.
 */
final class Checkpoints {

    private final Path workDirectory;
    private final JsonMapper json;

    Checkpoints(Path workDirectory, JsonMapper json) {
        this.workDirectory = workDirectory;
        this.json = json;
    }

    Path last() {
        return workDirectory.resolve("checkpoint");
    }

    Path best() {
        return workDirectory.resolve("best");
    }

    /** The state of the last checkpoint, if a previous attempt left one. */
    Optional<TrainingState> state() {
        Path file = last().resolve("state.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(Files.readAllBytes(file), TrainingState.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void save(TransformerModel model, TrainingState state, boolean bestSoFar) {
        Path staged = workDirectory.resolve(".checkpoint-staging");
        try {
            deleteRecursively(staged);
            ModelSaver.save(model, staged);
            Files.write(staged.resolve("state.json"), json.writeValueAsBytes(state));
            if (bestSoFar) {
                replace(copy(staged, workDirectory.resolve(".best-staging")), best());
            }
            replace(staged, last());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a checkpoint: " + e.getMessage(), e);
        }
    }

    /** Copies a checkpoint to {@code target} (the job's output), replacing what is there. */
    static void publish(Path checkpoint, Path target) {
        try {
            Files.createDirectories(target.getParent());
            Path staged = target.resolveSibling("." + target.getFileName() + ".staging");
            copy(checkpoint, staged);
            Files.deleteIfExists(staged.resolve("state.json"));
            replace(staged, target);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the fine-tuned model: " + e.getMessage(), e);
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        deleteRecursively(to);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (Files.isRegularFile(file)) {
                    Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    private static void replace(Path staged, Path target) throws IOException {
        Path old = target.resolveSibling("." + target.getFileName() + ".old");
        deleteRecursively(old);
        if (Files.exists(target)) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(old);
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
