package io.modelcat.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@code ./modelcat} as a user runs it (the launcher's jar with the services' jars): a killed runner and a killed
 * PostgreSQL are started again and the system answers again; SIGTERM stops every process it started.
 */
class LauncherSystemTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final StringBuffer output = new StringBuffer();

    @Test
    void theLauncherRestartsWhatDiesAndStopsEverythingOnSigterm() throws Exception {
        Path home = Files.createTempDirectory("modelcat-launcher");
        int port = freePort();
        int runnerPort = freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar("modelcat.launcherJar"), jar("modelcat.catalogJar"), jar("modelcat.runnerJar"))
                .redirectErrorStream(true);
        pb.environment().remove("DATABASE_URL");
        pb.environment().putAll(Map.of("MODELCAT_HOME", home.toString(), "MODELCAT_PORT", Integer.toString(port),
                "MODELCAT_RUNNER_PORT", Integer.toString(runnerPort),
                "MODELCAT_EMBEDDED_DB_PORT", Integer.toString(freePort()),
                "MODELCAT_ADMIN_PASSWORD", "launcher test admin password"));
        Process launcher = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(launcher.getInputStream()))) {
                lines.lines().forEach(line -> output.append(line).append('\n'));
            } catch (IOException | java.io.UncheckedIOException e) {
                output.append("(reading the launcher's output failed: ").append(e).append(")\n");
            }
        });
        reader.start();
        try {
            await(Duration.ofMinutes(3), () -> output.indexOf("ModelCat is ready") >= 0);
            URI catalogHealth = URI.create("http://localhost:" + port + "/health");
            URI runnerHealth = URI.create("http://localhost:" + runnerPort + "/health");
            Path run = home.resolve("run");
            // The runner's meters answer with the metrics token the launcher made.
            String metricsToken = Files.readString(home.resolve("metrics.token")).strip();
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + runnerPort
                    + "/prometheus")).header("Authorization", "Bearer " + metricsToken).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body()).contains("jvm_memory_used_bytes");
            List<Long> first = List.of(pid(run, "postgresql"), pid(run, "catalog-service"), pid(run, "job-runner"));

            ProcessHandle.of(pid(run, "job-runner")).orElseThrow().destroyForcibly();
            await(Duration.ofMinutes(2), () -> pid(run, "job-runner") != first.get(2) && status(runnerHealth) == 200);
            assertThat(output.toString()).contains("job-runner stopped (killed by signal 9); starting it again in 1.0 s");

            ProcessHandle.of(pid(run, "postgresql")).orElseThrow().destroyForcibly();
            await(Duration.ofMinutes(2), () -> pid(run, "postgresql") != first.get(0));
            await(Duration.ofMinutes(1), () -> status(catalogHealth) == 200 && status(runnerHealth) == 200);
            assertThat(output.toString()).contains("Started postgresql again");
            assertThat(pid(run, "catalog-service")).as("the catalog stayed up").isEqualTo(first.get(1));

            List<Long> last = List.of(pid(run, "postgresql"), pid(run, "catalog-service"), pid(run, "job-runner"));
            // SIGTERM through the handle: Process.destroy() would also close our end of its output.
            launcher.toHandle().destroy();
            assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
            for (long pid : last) {
                await(Duration.ofSeconds(10), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            }
            assertThat(output.toString()).as("exit code %d", launcher.exitValue()).contains("ModelCat stopped.");
        } finally {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
    }

    @Test
    void aPortInUseIsNamedBeforeAnythingStarts() throws Exception {
        Path home = Files.createTempDirectory("modelcat-launcher-busy");
        try (ServerSocket taken = new ServerSocket(0)) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar("modelcat.launcherJar"), jar("modelcat.catalogJar"), jar("modelcat.runnerJar"))
                    .redirectErrorStream(true);
            pb.environment().remove("DATABASE_URL");
            pb.environment().putAll(Map.of("MODELCAT_HOME", home.toString(),
                    "MODELCAT_PORT", Integer.toString(taken.getLocalPort()),
                    "MODELCAT_RUNNER_PORT", Integer.toString(freePort()),
                    "MODELCAT_EMBEDDED_DB_PORT", Integer.toString(freePort())));
            Process launcher = pb.start();
            String said = new String(launcher.getInputStream().readAllBytes());
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(launcher.exitValue()).isEqualTo(1);
            assertThat(said).contains("port " + taken.getLocalPort() + " is in use by another program")
                    .contains("MODELCAT_PORT").doesNotContain("Starting postgresql");
        }
    }

    private static long pid(Path run, String name) {
        try {
            return Long.parseLong(Files.readString(run.resolve(name + ".pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private int status(URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private void await(Duration timeout, BooleanSupplier done) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s; the launcher said:\n" + output);
            }
            Thread.sleep(250);
        }
    }

    private static String jar(String property) {
        Path jar = Path.of(System.getProperty(property, "missing"));
        assertThat(jar).as(property + " (built by ./mvnw verify)").isRegularFile();
        return jar.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
