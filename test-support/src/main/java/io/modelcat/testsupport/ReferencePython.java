package io.modelcat.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Python's reference libraries (torch, transformers, ... at the versions pinned in
 * {@code reference/requirements.txt}) for tests that compare the project with them: runs the scripts of
 * {@code reference/} in the virtual environment that {@code reference/venv.sh} makes (the first call makes
 * it when missing, a few minutes). Without a Python 3 interpreter the calling test is skipped, visibly;
 * with one, a failure to build the environment fails the test.
 */
public final class ReferencePython {

    private static final Duration VENV_TIMEOUT = Duration.ofMinutes(20);
    private static volatile Path python;

    private ReferencePython() {
    }

    /** The virtual environment's interpreter; skips the calling test where no Python 3 exists. */
    public static synchronized Path interpreter() {
        if (python != null) {
            return python;
        }
        String base = System.getenv().getOrDefault("MODELCAT_PYTHON", "python3");
        assumeTrue(onPath(base), "checks against Python's reference libraries skipped: no " + base
                + " on the PATH (install Python 3.10 to 3.13 with pip, or set MODELCAT_PYTHON)");
        Path script = Fixtures.repository().resolve("reference/venv.sh");
        Result made = execute(List.of("bash", script.toString()), Map.of(), VENV_TIMEOUT);
        if (made.exitCode() != 0) {
            throw new IllegalStateException("reference/venv.sh failed (exit " + made.exitCode() + "):\n" + made.output());
        }
        String[] lines = made.output().strip().split("\n");
        python = Path.of(lines[lines.length - 1].strip());
        return python;
    }

    /**
     * Runs {@code python <script> <arguments>} from the repository's root, {@code script} relative to it
     * (e.g. {@code reference/minilm_reference.py}); fails with the script's output unless it exits 0.
     */
    public static String run(Duration timeout, Map<String, String> environment, String script, String... arguments) {
        List<String> command = new ArrayList<>(List.of(interpreter().toString(), script));
        command.addAll(List.of(arguments));
        Result result = execute(command, environment, timeout);
        if (result.exitCode() != 0) {
            throw new AssertionError("`" + String.join(" ", command) + "` exited with " + result.exitCode() + ":\n"
                    + result.output());
        }
        return result.output();
    }

    /** What a command printed (standard output and error together) and how it ended. */
    public record Result(int exitCode, String output) {}

    private static Result execute(List<String> command, Map<String, String> environment, Duration timeout) {
        try {
            Path log = Files.createTempFile("reference-python", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(Fixtures.repository().toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                // Offline by construction: nothing may reach for the Hugging Face Hub.
                builder.environment().putAll(Map.of("HF_HUB_OFFLINE", "1", "TRANSFORMERS_OFFLINE", "1",
                        "PYTHONUNBUFFERED", "1", "PYTHONDONTWRITEBYTECODE", "1"));
                builder.environment().putAll(environment);
                Process process = builder.start();
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    process.destroyForcibly().waitFor();
                }
                String output = Files.readString(log, StandardCharsets.UTF_8);
                System.out.println(output);
                if (!finished) {
                    throw new AssertionError("`" + String.join(" ", command) + "` did not finish within " + timeout
                            + ":\n" + output);
                }
                return new Result(process.exitValue(), output);
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static boolean onPath(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
