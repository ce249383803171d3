package io.modelcat.hub;

import io.modelcat.testsupport.Fixtures;
import java.nio.file.Path;

/** The tiny Hugging Face fixture models ({@code hf-tiny/{bert,distilbert,gpt2}}). */
final class TinyModels {

    private TinyModels() {
    }

    static Path dir(String model) {
        return Fixtures.model(model);
    }
}
