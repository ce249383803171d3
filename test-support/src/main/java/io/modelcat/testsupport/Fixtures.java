package io.modelcat.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tiny Hugging Face models (and the outputs {@code transformers} computed for them) that tests
 * use as ground truth: {@code hf-tiny/{bert,distilbert,gpt2}} and {@code hf-tiny/reference-outputs.json}.
 *
 * <p>Found through {@code -Dmodelcat.fixtures} or {@code MODELCAT_FIXTURES} (the folder holding
 * {@code hf-tiny}), else by walking up from the working directory to a {@code shared/fixtures/hf-tiny}
 * (the repository's checkout has {@code shared/} beside it). Missing fixtures fail the test: they are
 * part of the test suite, not optional.
 */
public final class Fixtures {

    private static final String VARIABLE = "MODELCAT_FIXTURES";

    private Fixtures() {
    }

    /** The {@code hf-tiny} folder. */
    public static Path hfTiny() {
        for (String configured : new String[] {System.getProperty("modelcat.fixtures"), System.getenv(VARIABLE)}) {
            if (configured != null && Files.isDirectory(Path.of(configured, "hf-tiny"))) {
                return Path.of(configured, "hf-tiny");
            }
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path candidate : List.of(p.resolve("shared/fixtures/hf-tiny"), p.resolve("fixtures/hf-tiny"))) {
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("The tiny Hugging Face fixture models were not found: expected "
                + "shared/fixtures/hf-tiny beside or above " + Path.of("").toAbsolutePath()
                + "; set " + VARIABLE + " (or -Dmodelcat.fixtures) to the folder holding hf-tiny/");
    }

    /** One fixture model's folder: {@code bert}, {@code distilbert} or {@code gpt2}. */
    public static Path model(String name) {
        Path dir = hfTiny().resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("Fixture model " + dir + " is missing");
        }
        return dir;
    }

    /** The outputs {@code transformers} computed for the fixture models. */
    public static Path referenceOutputs() {
        return hfTiny().resolve("reference-outputs.json");
    }
}
