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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the Node browser tests of {@code ui-tests/} (playwright-core driving the system's headless
 * Chromium; never a downloaded browser) from a JUnit test. The pinned npm packages are installed when
 * missing or at other versions than package.json pins; without Chromium or Node the calling test is skipped,
 * visibly, with the install hint.
 */
public final class BrowserTests {

    private static final Pattern DEV_DEPENDENCIES = Pattern.compile("\"devDependencies\"\\s*:\\s*\\{([^}]*)}");
    private static final Pattern PIN = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]+)\"");

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
        if (!installedAsPinned(uiTests)) {
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

    /** Whether node_modules holds every package that package.json pins, at its pinned version. */
    static boolean installedAsPinned(Path uiTests) {
        try {
            Matcher block = DEV_DEPENDENCIES.matcher(Files.readString(uiTests.resolve("package.json")));
            if (!block.find()) {
                return false;
            }
            for (Matcher pin = PIN.matcher(block.group(1)); pin.find(); ) {
                Path manifest = uiTests.resolve("node_modules").resolve(pin.group(1)).resolve("package.json");
                Pattern version = Pattern.compile("\"version\"\\s*:\\s*\"" + Pattern.quote(pin.group(2)) + "\"");
                if (!Files.isRegularFile(manifest) || !version.matcher(Files.readString(manifest)).find()) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code node --test} on {@code target} (a folder of {@code ui-tests}) against {@code baseUrl},
     * saving screenshots to {@code screenshots}; fails with the tests' output unless they all pass. The files run one
     * after another, whatever the machine's cores: they share one service, and some count what others make (cards).
     */
    public static void run(Path uiTests, String target, String baseUrl, Path screenshots, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-concurrency=1", "--test-reporter=spec", target)
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
