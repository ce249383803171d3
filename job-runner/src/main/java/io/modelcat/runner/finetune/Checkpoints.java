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
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A fine-tune's checkpoints in its work directory: {@code checkpoint/} (the last completed epoch, a
 * Hugging Face directory) with {@code state.json}, and {@code best/} (the epoch with the best
 * validation figure). Each is written under a temporary name and renamed, so a crash or a full disk
 * mid-write leaves the previous one intact; a write that fails removes what it had written, so no
 * partial folder stays to take space or to be read as a checkpoint.
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
        recoverInterruptedReplace(last());
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
        save(folder -> ModelSaver.save(model, folder), state, bestSoFar);
    }

    /** Saves a checkpoint that {@code writeModel} writes into the folder it is given. */
    void save(Consumer<Path> writeModel, TrainingState state, boolean bestSoFar) {
        Path staged = workDirectory.resolve(".checkpoint-staging");
        Path bestStaged = workDirectory.resolve(".best-staging");
        try {
            deleteRecursively(staged);
            writeModel.accept(staged);
            Files.write(staged.resolve("state.json"), json.writeValueAsBytes(state));
            if (bestSoFar) {
                replace(copy(staged, bestStaged), best());
            }
            replace(staged, last());
        } catch (IOException | UncheckedIOException e) {
            removeQuietly(staged, e);
            removeQuietly(bestStaged, e);
            throw failure("could not write the checkpoint of epoch " + state.epochsDone() + " to " + last(), e);
        }
    }

    /** Copies a checkpoint to {@code target} (the job's output), replacing what is there. */
    static void publish(Path checkpoint, Path target) {
        Path staged = target.resolveSibling("." + target.getFileName() + ".staging");
        try {
            Files.createDirectories(target.getParent());
            copy(checkpoint, staged);
            Files.deleteIfExists(staged.resolve("state.json"));
            replace(staged, target);
        } catch (IOException | UncheckedIOException e) {
            removeQuietly(staged, e);
            throw failure("could not write the fine-tuned model to " + target, e);
        }
    }

    /**
     * Publishes what {@code writer} writes into an empty folder as {@code target} (a merged LoRA model, say), with the
     * same staging as {@link #publish}: {@code target} is replaced only once the new folder is complete.
     */
    static void publishWritten(Path target, java.util.function.Consumer<Path> writer) {
        Path staged = target.resolveSibling("." + target.getFileName() + ".staging");
        try {
            Files.createDirectories(target.getParent());
            deleteRecursively(staged);
            Files.createDirectories(staged);
            writer.accept(staged);
            replace(staged, target);
        } catch (IOException | UncheckedIOException e) {
            removeQuietly(staged, e);
            throw failure("could not write the fine-tuned model to " + target, e);
        } catch (RuntimeException e) {
            removeQuietly(staged, e);
            throw e;
        }
    }

    /** {@code what} failed: the message says what and where, then the operating system's words. */
    private static UncheckedIOException failure(String what, Exception e) {
        IOException io = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : (IOException) e;
        Throwable root = io;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String said = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new UncheckedIOException(what + ": " + said, io);
    }

    /** Removes a partly written folder after a failed write; what cannot be removed is noted on the failure. */
    private static void removeQuietly(Path folder, Exception failure) {
        try {
            deleteRecursively(folder);
        } catch (IOException | UncheckedIOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * A replacement interrupted between its two renames (a crash) left the previous folder under its
     * {@code .old} name and none under its own: that previous one is complete, so it takes its name back.
     */
    private static void recoverInterruptedReplace(Path target) {
        Path old = oldOf(target);
        try {
            if (!Files.exists(target) && Files.isDirectory(old)) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            // Nothing to continue from, then: training starts over.
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

    /** Renames {@code staged} to {@code target}; a previous {@code target} is kept until the new one is in place. */
    private static void replace(Path staged, Path target) throws IOException {
        Path old = oldOf(target);
        deleteRecursively(old);
        boolean hadOne = Files.exists(target);
        if (hadOne) {
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (hadOne) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        deleteRecursively(old);
    }

    private static Path oldOf(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".old");
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
