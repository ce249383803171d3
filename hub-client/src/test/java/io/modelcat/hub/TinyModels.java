package io.modelcat.hub;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds the tiny Hugging Face fixture models ({@code fixtures/hf-tiny/{bert,distilbert,gpt2}}). */
final class TinyModels {

    private TinyModels() {
    }

    /**
     * The fixture folder: {@code -Dmodelcat.fixtures=...} or {@code MODELCAT_FIXTURES} (the directory holding
     * {@code hf-tiny}), else the first {@code fixtures/hf-tiny} or {@code shared/fixtures/hf-tiny} found walking up
     * from the working directory. Skips the test, saying why, when there is none.
     */
    static Path dir(String model) {
        Path root = root();
        assumeTrue(root != null, "tiny fixture models not found: set -Dmodelcat.fixtures or MODELCAT_FIXTURES to the folder holding hf-tiny/");
        Path dir = root.resolve(model);
        assumeTrue(Files.isDirectory(dir), "fixture model " + dir + " is missing");
        return dir;
    }

    private static Path root() {
        for (String configured : new String[] {System.getProperty("modelcat.fixtures"), System.getenv("MODELCAT_FIXTURES")}) {
            if (configured != null && Files.isDirectory(Path.of(configured, "hf-tiny"))) {
                return Path.of(configured, "hf-tiny");
            }
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path candidate : List.of(p.resolve("fixtures/hf-tiny"), p.resolve("shared/fixtures/hf-tiny"))) {
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
