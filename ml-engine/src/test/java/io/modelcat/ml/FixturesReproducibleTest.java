package io.modelcat.ml;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.testsupport.ReferencePython;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ground truth the engine is measured against is made by the repository's own generators
 * (reference/generate.sh), not kept by hand: regenerated here, it must equal what is committed byte for byte
 * (reference/tests/test_fixtures.py).
 */
class FixturesReproducibleTest {

    @Test
    void committedFixturesAreWhatTheGeneratorsMake() {
        String output = ReferencePython.run(Duration.ofMinutes(10), Map.of("PYTHONHASHSEED", "0"),
                "-m", "pytest", "-v", "-p", "no:cacheprovider", "reference/tests/test_fixtures.py");
        assertThat(output).containsPattern("\\d+ passed").doesNotContain("skipped").doesNotContain("failed");
    }
}
