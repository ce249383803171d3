package io.modelcat.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's OpenMP threads take the short spin: libgomp itself says what it read ({@code OMP_DISPLAY_ENV=VERBOSE}
 * prints its settings when libtorch loads), in a JVM of its own, since libgomp reads them once per process.
 */
class OpenMpSpinTest {

    @TempDir
    Path work;

    /** A process that configures the engine the way every entry point does, then runs one operation. */
    public static final class Probe {
        public static void main(String[] args) {
            DjlEnvironment.configure();
            try (NDManager manager = NDManager.newBaseManager()) {
                System.out.println("sum " + manager.ones(new Shape(64, 64)).sum().getFloat());
            }
        }
    }

    @Test
    void libgompSpinsBrieflyUnlessTheUserSaidHowOpenMpWaits() throws Exception {
        assumeTrue(Platform.isLinux(), "libtorch's OpenMP is GNU libgomp on Linux only");
        assertThat(libgompSettings(Map.of())).contains("GOMP_SPINCOUNT = '" + OpenMpSpin.SPIN_COUNT + "'")
                .contains("sum 4096.0");
        assertThat(libgompSettings(Map.of("GOMP_SPINCOUNT", "300000"))).contains("GOMP_SPINCOUNT = '300000'");
    }

    @Test
    void theUsersOwnSettingIsLeftAlone() {
        assertThat(OpenMpSpin.chosenByUser(Map.of("GOMP_SPINCOUNT", "300000"))).isTrue();
        assertThat(OpenMpSpin.chosenByUser(Map.of("OMP_WAIT_POLICY", "PASSIVE"))).isTrue();
        assertThat(OpenMpSpin.chosenByUser(Map.of("OMP_NUM_THREADS", "1", "PATH", "/bin"))).isFalse();
    }

    /**
     * The output of {@link Probe} run with {@code extra} in its environment (and libgomp asked to show itself). The
     * output goes to a file, so that a probe that hangs is stopped at the time limit instead of holding the test.
     */
    private String libgompSettings(Map<String, String> extra) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = Files.createTempFile(work, "probe", ".txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Probe.class.getName())).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().remove("GOMP_SPINCOUNT");
        pb.environment().remove("OMP_WAIT_POLICY");
        pb.environment().put("OMP_DISPLAY_ENV", "VERBOSE");
        pb.environment().putAll(extra);
        Process process = pb.start();
        boolean ended = process.waitFor(2, TimeUnit.MINUTES);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(ended).as("the probe ended within 2 minutes; its output:\n" + text).isTrue();
        assertThat(process.exitValue()).as("the probe's exit status; its output:\n" + text).isZero();
        return text;
    }
}
