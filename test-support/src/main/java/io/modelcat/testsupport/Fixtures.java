package io.modelcat.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's generated test fixtures ({@code fixtures/}, made by {@code reference/generate.sh}):
 * the tiny Hugging Face models with the outputs {@code transformers} computed for them
 * ({@code fixtures/hf-tiny}), and the reference values of the metrics ({@code fixtures/metrics}).
 *
 * <p>Found by walking up from the working directory (a module's folder when Maven runs its tests) to
 * the repository's root, the folder holding {@code mvnw} and {@code fixtures/}. Nothing outside the
 * repository is read. Missing fixtures fail the test: they are part of the test suite, not optional.
 */
public final class Fixtures {

    private Fixtures() {
    }

    /** The repository's root: the nearest folder at or above the working directory with {@code mvnw} and {@code fixtures/}. */
    public static Path repository() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("fixtures"))) {
                return p;
            }
        }
        throw new IllegalStateException("The repository's fixtures/ folder was not found at or above "
                + Path.of("").toAbsolutePath() + ": run the tests from inside the repository (reference/generate.sh "
                + "makes the fixtures)");
    }

    /** A file or folder under {@code fixtures/}, which must exist. */
    public static Path file(String relative) {
        Path path = repository().resolve("fixtures").resolve(relative);
        if (!Files.exists(path)) {
            throw new IllegalStateException("Fixture " + path + " is missing: run reference/generate.sh");
        }
        return path;
    }

    /** The {@code hf-tiny} folder. */
    public static Path hfTiny() {
        return file("hf-tiny");
    }

    /** One tiny model's folder: {@code bert}, {@code distilbert}, {@code gpt2}, {@code roberta-masked-lm}, ... */
    public static Path model(String name) {
        return file("hf-tiny/" + name);
    }

    /**
     * A copy of one tiny model's folder at {@code target} (made if missing), for a test that needs the model where
     * its runner looks, or that changes it.
     */
    public static Path copyModel(String name, Path target) {
        try {
            Files.createDirectories(target);
            try (var files = Files.list(model(name))) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The outputs {@code transformers} computed for the tiny models ({@code hf-tiny/reference-outputs.json}). */
    public static Path referenceOutputs() {
        return file("hf-tiny/reference-outputs.json");
    }
}
