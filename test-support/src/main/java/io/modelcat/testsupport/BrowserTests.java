package io.modelcat.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the Node browser tests of {@code ui-tests/} (playwright-core driving the system's headless
 * Chromium; never a downloaded browser) from a JUnit test. The pinned npm packages are installed when
 * missing; without Chromium or Node the calling test is skipped, visibly, with the install hint.
 */
public final class BrowserTests {

    /** The Chromium the tests drive ({@code MODELCAT_CHROMIUM}, default Debian's). */
    public static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("MODELCAT_CHROMIUM", "/usr/bin/chromium"));

    private static final long NODE_TIMEOUT_MINUTES = 10;

    private BrowserTests() {
    }

    /** The {@code ui-tests} folder, ready to run; skips the calling test when that cannot be. */
    public static Path prepare() throws InterruptedException {
        Path uiTests = null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && uiTests == null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("ui-tests/package.json"))) {
                uiTests = dir.resolve("ui-tests");
            }
        }
        assumeTrue(uiTests != null, "browser tests skipped: ui-tests/package.json not found above "
                + Path.of("").toAbsolutePath());
        assumeTrue(Files.isExecutable(CHROMIUM),
                "browser tests skipped: no Chromium at " + CHROMIUM + "; install it with `apt-get install chromium`");
        if (!Files.isDirectory(uiTests.resolve("node_modules/playwright-core"))) {
            try {
                Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                        .directory(uiTests.toFile()).inheritIO().start();
                if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                    npm.destroyForcibly();
                }
            } catch (IOException e) {
                System.out.println("[browser tests] npm is not available: " + e.getMessage());
            }
        }
        assumeTrue(Files.isDirectory(uiTests.resolve("node_modules/playwright-core")),
                "browser tests skipped: ui-tests/node_modules is missing; install it with `npm ci --prefix ui-tests`");
        return uiTests;
    }

    /**
     * Runs {@code node --test} on {@code target} (a folder of {@code ui-tests}) against {@code baseUrl},
     * saving screenshots to {@code screenshots}; fails with the tests' output unless they all pass.
     */
    public static void run(Path uiTests, String target, String baseUrl, Path screenshots, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec", target)
                .directory(uiTests.toFile())
                .redirectErrorStream(true);
        node.environment().put("MODELCAT_BASE_URL", baseUrl);
        node.environment().put("MODELCAT_SCREENSHOTS", screenshots.toAbsolutePath().toString());
        node.environment().put("MODELCAT_CHROMIUM", CHROMIUM.toString());
        node.environment().putAll(env);
        Process process;
        try {
            process = node.start();
        } catch (IOException e) {
            assumeTrue(false, "browser tests skipped: cannot run node (" + e.getMessage() + "); install Node.js 20 or newer");
            return;
        }
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                System.out.println(line);
                output.append(line).append('\n');
            }
        }
        boolean finished = process.waitFor(NODE_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        if (!finished || process.exitValue() != 0) {
            throw new AssertionError("node --test " + target + " in " + uiTests + " failed (screenshots in "
                    + screenshots.toAbsolutePath() + "):\n" + output);
        }
    }
}
