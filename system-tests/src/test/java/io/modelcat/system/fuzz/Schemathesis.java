package io.modelcat.system.fuzz;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modelcat.testsupport.Fixtures;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The API fuzzer schemathesis (pinned in {@code system-tests/fuzz/requirements.txt}), run as a subprocess in the
 * virtual environment {@code system-tests/fuzz/venv.sh} makes on first use. Without a Python 3 interpreter the
 * calling test is skipped, visibly; with one, a failure to build the environment fails the test.
 */
final class Schemathesis {

    private static final Duration VENV_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern GENERATED = Pattern.compile("(\\d+) generated");

    private final Path command;

    private Schemathesis(Path command) {
        this.command = command;
    }

    /** The fuzzer, its environment made if missing; skips the calling test where no Python 3 exists. */
    static Schemathesis installed() {
        String python = System.getenv().getOrDefault("MODELCAT_PYTHON", "python3");
        assumeTrue(onPath(python), "API fuzzing skipped: no " + python
                + " on the PATH (install Python 3.10 to 3.13 with pip, or set MODELCAT_PYTHON)");
        Path script = Fixtures.repository().resolve("system-tests/fuzz/venv.sh");
        Ended made = execute(List.of("bash", script.toString()), Fixtures.repository(), VENV_TIMEOUT, null);
        if (made.exitCode() != 0) {
            throw new IllegalStateException("system-tests/fuzz/venv.sh failed (exit " + made.exitCode() + "):\n"
                    + made.output());
        }
        String[] lines = made.output().strip().split("\n");
        return new Schemathesis(Path.of(lines[lines.length - 1].strip()));
    }

    /** What one run found: its exit code, its output, the operations it tested and how many cases it sent. */
    record Run(String name, int exitCode, String output, List<String> operations, int cases, Duration took) {

        String summary() {
            return String.format("%-20s %3d operations, %5d cases, %4d s, exit %d", name, operations.size(), cases,
                    took.toSeconds(), exitCode);
        }
    }

    /**
     * Runs {@code schemathesis --config-file <config> run <schema> <arguments>} and reads its JUnit report for the
     * operations it tested; the run's output and report are {@code <name>.log} and {@code <name>.xml} in
     * {@code reports}.
     */
    Run run(String name, Path config, String schema, List<String> arguments, Path reports, Duration timeout) {
        try {
            Files.createDirectories(reports);
            Path junit = reports.resolve(name + ".xml");
            Files.deleteIfExists(junit);
            List<String> full = new ArrayList<>(List.of(command.toString(), "--config-file", config.toString(), "run",
                    schema, "--no-color", "--report", "junit", "--report-junit-path", junit.toString()));
            full.addAll(arguments);
            long started = System.nanoTime();
            // Run in the reports' folder: what Hypothesis keeps between runs lands there, not in the repository.
            Ended ended = execute(full, reports, timeout, reports.resolve(name + ".log"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            List<String> operations = Files.exists(junit) ? testedOperations(junit) : List.of();
            Matcher generated = GENERATED.matcher(ended.output());
            int cases = 0;
            while (generated.find()) {
                cases = Integer.parseInt(generated.group(1));
            }
            return new Run(name, ended.exitCode(), ended.output(), operations, cases, took);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operations ("GET /api/v1/models") a JUnit report of schemathesis holds a test case for. */
    private static List<String> testedOperations(Path junit) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document doc = factory.newDocumentBuilder().parse(junit.toFile());
            NodeList cases = doc.getElementsByTagName("testcase");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < cases.getLength(); i++) {
                Element testcase = (Element) cases.item(i);
                boolean skipped = testcase.getElementsByTagName("skipped").getLength() > 0;
                // Operations only: the stateful phase reports itself as one more test case ("Stateful tests").
                if (!skipped && testcase.getAttribute("name").matches("[A-Z]+ /.*")) {
                    names.add(testcase.getAttribute("name"));
                }
            }
            return names.stream().distinct().sorted().collect(Collectors.toList());
        } catch (Exception e) {
            throw new IllegalStateException("could not read " + junit, e);
        }
    }

    private record Ended(int exitCode, String output) {
    }

    private static Ended execute(List<String> command, Path directory, Duration timeout, Path log) {
        try {
            Path out = log != null ? log : Files.createTempFile("schemathesis", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                        .redirectErrorStream(true).redirectOutput(out.toFile());
                builder.environment().putAll(Map.of("PYTHONUNBUFFERED", "1", "PYTHONDONTWRITEBYTECODE", "1",
                        "COLUMNS", "120",
                        // Serializers for the archive bodies of model uploads (system-tests/fuzz/modelcat_fuzz_hooks.py).
                        "SCHEMATHESIS_HOOKS", "modelcat_fuzz_hooks",
                        "PYTHONPATH", Fixtures.repository().resolve("system-tests/fuzz").toString()));
                Process process = builder.start();
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                }
                String output = Files.readString(out, StandardCharsets.UTF_8);
                if (!finished) {
                    throw new AssertionError("`" + String.join(" ", command) + "` did not finish within " + timeout
                            + ":\n" + output);
                }
                return new Ended(process.exitValue(), output);
            } finally {
                if (log == null) {
                    Files.deleteIfExists(out);
                }
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
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
