package io.modelcat.launcher;

import io.modelcat.credentials.IssuedToken;
import io.modelcat.credentials.SecretCipher;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts ModelCat on this machine: PostgreSQL (embedded, its data kept under MODELCAT_HOME, unless
 * DATABASE_URL names one), then catalog-service and one job-runner as child processes. Prints the
 * UI's address when the catalog answers, and stops everything on Ctrl-C.
 */
public final class LocalSystem {

    private final List<Process> children = new ArrayList<>();
    private volatile boolean stopping;
    private EmbeddedPostgres embedded;

    public static void main(String[] args) throws Exception {
        new LocalSystem().run(args);
    }

    private void run(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Path home = Path.of(env.getOrDefault("MODELCAT_HOME", System.getProperty("user.home") + "/.modelcat"));
        Path catalogJar = jar(args, 0, "catalog-service");
        Path runnerJar = jar(args, 1, "job-runner");
        String port = env.getOrDefault("MODELCAT_PORT", "8080");
        // Stop from the signal itself, before the JVM's shutdown hooks run: the embedded PostgreSQL
        // registers a hook of its own and must outlive the services, which write to it as they stop.
        for (String signal : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                stop();
                System.exit(0);
            });
        }

        Database db = env.containsKey("DATABASE_URL") && !env.get("DATABASE_URL").isBlank()
                ? new Database(env.get("DATABASE_URL"), env.getOrDefault("DATABASE_USER", "postgres"),
                        env.getOrDefault("DATABASE_PASSWORD", ""))
                : startEmbedded(home, Integer.parseInt(env.getOrDefault("MODELCAT_EMBEDDED_DB_PORT", "54329")));

        Files.createDirectories(home.resolve("logs"));
        // Both services need the same secret key (secrets at rest) and runner token (the runner's proof):
        // taken from the environment when set, else made once and kept, readable by this user only.
        Map<String, String> childEnv = Map.of(
                "DATABASE_URL", db.url(), "DATABASE_USER", db.user(), "DATABASE_PASSWORD", db.password(),
                "MODELCAT_HOME", home.toString(),
                SecretCipher.KEY_VARIABLE, setting(env, SecretCipher.KEY_VARIABLE, home.resolve("secret.key"),
                        SecretCipher::generateKey),
                "MODELCAT_RUNNER_TOKEN", setting(env, "MODELCAT_RUNNER_TOKEN", home.resolve("runner.token"),
                        () -> IssuedToken.generate(IssuedToken.RUNNER).value()));
        // The catalog migrates the schema first; the runner then starts against a ready database.
        children.add(start("catalog-service", catalogJar, childEnv, home));
        URI ui = URI.create("http://localhost:" + port + "/");
        waitForHealth(ui.resolve("/health"), Duration.ofMinutes(3));
        // The runner serves deployed models on its own port; the catalog, on this machine, reaches it there.
        String runnerPort = env.getOrDefault("MODELCAT_RUNNER_PORT", "8081");
        Map<String, String> runnerEnv = new HashMap<>(childEnv);
        runnerEnv.put("MODELCAT_RUNNER_SERVE_URL", env.getOrDefault("MODELCAT_RUNNER_SERVE_URL",
                "http://localhost:" + runnerPort));
        children.add(start("job-runner", runnerJar, runnerEnv, home));
        waitForHealth(URI.create("http://localhost:" + runnerPort + "/health"),
                Duration.ofMinutes(3));
        System.out.println();
        System.out.println("ModelCat is ready: " + ui);
        System.out.println("  API explorer:     " + ui.resolve("/swagger-ui/index.html"));
        System.out.println("  logs:             " + home.resolve("logs"));
        Path initialPassword = home.resolve("initial-admin-password");
        if (Files.isRegularFile(initialPassword)) {
            System.out.println("  sign in as:       " + env.getOrDefault("MODELCAT_ADMIN_USERNAME", "admin")
                    + " / " + Files.readString(initialPassword).strip()
                    + "   (first start; change it on the Account page, then " + initialPassword + " is removed)");
        }
        System.out.println("Press Ctrl-C to stop.");
        for (Process child : List.copyOf(children)) {
            int code = child.waitFor();
            if (stopping) {
                Thread.currentThread().join();
            }
            System.err.println("A ModelCat process exited with code " + code + "; stopping. See " + home.resolve("logs"));
            System.exit(code == 0 ? 1 : code);
        }
    }

    /** A setting from the environment, else the value kept in {@code file}, else a new one kept there (mode 600). */
    private static String setting(Map<String, String> env, String variable, Path file, Supplier<String> generate)
            throws IOException {
        String value = env.get(variable);
        if (value != null && !value.isBlank()) {
            return value.trim();
        }
        if (Files.isRegularFile(file)) {
            return Files.readString(file).strip();
        }
        Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        String generated = generate.get();
        Files.writeString(temp, generated + "\n");
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        return generated;
    }

    private static Path jar(String[] args, int index, String module) {
        Path jar = args.length > index ? Path.of(args[index])
                : Path.of(module, "target", module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Cannot find " + jar.toAbsolutePath()
                    + "; build first with ./mvnw -DskipTests package (the ./modelcat script does).");
        }
        return jar;
    }

    private Database startEmbedded(Path home, int port) throws IOException, SQLException {
        Path dataDir = home.resolve("postgres");
        Files.createDirectories(dataDir);
        System.out.println("Starting embedded PostgreSQL on port " + port + ", data in " + dataDir);
        embedded = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        try (Connection c = embedded.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'modelcat'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE modelcat");
                }
            }
        }
        return new Database("jdbc:postgresql://localhost:" + port + "/modelcat", "postgres", "");
    }

    private static Process start(String name, Path jar, Map<String, String> env, Path home) throws IOException {
        Path log = home.resolve("logs").resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toAbsolutePath().toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        System.out.println("Starting " + name + " (log: " + log + ")");
        return pb.start();
    }

    private void waitForHealth(URI health, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (Process child : children) {
                if (!child.isAlive()) {
                    throw new IllegalStateException("A ModelCat process exited during start-up with code "
                            + child.exitValue() + "; see its log under MODELCAT_HOME/logs");
                }
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(health).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(health + " did not answer within " + timeout.toSeconds() + " s");
    }

    private synchronized void stop() {
        stopping = true;
        System.out.println("Stopping ModelCat...");
        for (int i = children.size() - 1; i >= 0; i--) {
            Process child = children.get(i);
            child.destroy();
            try {
                if (!child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        children.clear();
        if (embedded != null) {
            try {
                embedded.close();
                embedded = null;
            } catch (IOException e) {
                System.err.println("Could not stop the embedded PostgreSQL: " + e.getMessage());
            }
        }
    }

    private record Database(String url, String user, String password) {
    }
}
