package io.modelcat.launcher;

import io.modelcat.credentials.IssuedToken;
import io.modelcat.credentials.SecretCipher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts ModelCat on this machine: PostgreSQL (embedded, its data kept under MODELCAT_HOME, unless
 * DATABASE_URL names one), then catalog-service and one job-runner as child processes. Prints the
 * UI's address when the catalog answers, restarts whatever dies (see {@link Supervisor}), and stops
 * everything on Ctrl-C or SIGTERM.
 */
public final class LocalSystem {

    /** The embedded PostgreSQL's port unless MODELCAT_EMBEDDED_DB_PORT says otherwise. */
    static final int EMBEDDED_DB_PORT = 54329;

    public static void main(String[] args) throws Exception {
        // The library's own lines (a stack trace when it cannot stop a server that is already gone, before a
        // restart) would bury the launcher's; what matters is said by the launcher.
        System.setProperty("org.slf4j.simpleLogger.log.io.zonky.test.db.postgres.embedded.EmbeddedPostgres", "off");
        Map<String, String> env = System.getenv();
        Path home = Path.of(env.getOrDefault("MODELCAT_HOME", System.getProperty("user.home") + "/.modelcat"));
        if (args.length > 0 && (args[0].equals("backup") || args[0].equals("restore"))) {
            System.exit(backupCommand(env, home, args));
        }
        Path catalogJar = jar(args, 0, "catalog-service");
        Path runnerJar = jar(args, 1, "job-runner");
        String port = env.getOrDefault("MODELCAT_PORT", "8080");
        Path logs = home.resolve("logs");
        Files.createDirectories(logs);
        Supervisor supervisor = new Supervisor(
                intSetting(env, "MODELCAT_RESTART_LIMIT", 5),
                Duration.ofSeconds(intSetting(env, "MODELCAT_RESTART_WINDOW_SECONDS", 600)),
                Duration.ofSeconds(intSetting(env, "MODELCAT_STOP_TIMEOUT_SECONDS", 30)),
                home.resolve("run"));
        // Stop from the signal itself, before the JVM's shutdown hooks run: the embedded PostgreSQL
        // registers a hook of its own and must outlive the services, which write to it as they stop.
        for (String signal : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
                try {
                    supervisor.stopAll();
                } catch (Throwable t) {
                    Console.warn("While stopping: " + t);
                    t.printStackTrace();
                }
                System.exit(0);
            });
        }
        try {
            start(env, home, catalogJar, runnerJar, port, logs, supervisor);
        } catch (Exception e) {
            Console.warn("ModelCat could not start: " + e.getMessage());
            supervisor.stopAll();
            System.exit(1);
        }
        if (supervisor.watch() != null) {
            System.exit(1);
        }
    }

    private static void start(Map<String, String> env, Path home, Path catalogJar, Path runnerJar, String port,
                              Path logs, Supervisor supervisor) throws Exception {
        // Another program on a port would answer the health checks in our place: say so before starting anything.
        boolean embeddedDb = !env.containsKey("DATABASE_URL") || env.get("DATABASE_URL").isBlank();
        portFree("MODELCAT_PORT", intSetting(env, "MODELCAT_PORT", 8080));
        portFree("MODELCAT_RUNNER_PORT", intSetting(env, "MODELCAT_RUNNER_PORT", 8081));
        if (embeddedDb) {
            portFree("MODELCAT_EMBEDDED_DB_PORT", intSetting(env, "MODELCAT_EMBEDDED_DB_PORT", EMBEDDED_DB_PORT));
        }
        Database db;
        if (!embeddedDb) {
            db = new Database(env.get("DATABASE_URL"), env.getOrDefault("DATABASE_USER", "postgres"),
                    env.getOrDefault("DATABASE_PASSWORD", ""));
        } else {
            int dbPort = intSetting(env, "MODELCAT_EMBEDDED_DB_PORT", EMBEDDED_DB_PORT);
            boolean durable = !"false".equalsIgnoreCase(env.getOrDefault("MODELCAT_EMBEDDED_DB_DURABLE", "true").trim());
            if (!durable) {
                Console.warn("MODELCAT_EMBEDDED_DB_DURABLE=false: the embedded PostgreSQL runs without fsync; a crash of "
                        + "this machine may lose or corrupt its data. Use it for throwaway systems only.");
            }
            EmbeddedDatabase embedded = new EmbeddedDatabase(home.resolve("postgres"), dbPort, durable,
                    intSetting(env, "MODELCAT_EMBEDDED_DB_MEMORY_MB", EmbeddedDatabase.defaultSharedBuffersMb()));
            supervisor.start(embedded);
            db = new Database(embedded.jdbcUrl(), "postgres", "");
        }

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
        ServiceProcess catalog = ServiceProcess.javaJar("catalog-service", catalogJar, childEnv, logs);
        supervisor.start(catalog);
        URI ui = URI.create("http://localhost:" + port + "/");
        waitForHealth(catalog, ui.resolve("/health"), Duration.ofMinutes(3));
        // The runner serves deployed models on its own port; the catalog, on this machine, reaches it there.
        String runnerPort = env.getOrDefault("MODELCAT_RUNNER_PORT", "8081");
        Map<String, String> runnerEnv = new HashMap<>(childEnv);
        runnerEnv.put("MODELCAT_RUNNER_SERVE_URL", env.getOrDefault("MODELCAT_RUNNER_SERVE_URL",
                "http://localhost:" + runnerPort));
        // Bulk tests of prompt flows call LLMs through the catalog's mesh.
        runnerEnv.put("MODELCAT_CATALOG_URL", env.getOrDefault("MODELCAT_CATALOG_URL", "http://localhost:" + port));
        // The token Prometheus scrapes the runner with: the environment's, else one made once and kept.
        runnerEnv.put("MODELCAT_METRICS_TOKEN", setting(env, "MODELCAT_METRICS_TOKEN", home.resolve("metrics.token"),
                SecretCipher::generateKey));
        ServiceProcess runner = ServiceProcess.javaJar("job-runner", runnerJar, runnerEnv, logs);
        supervisor.start(runner);
        waitForHealth(runner, URI.create("http://localhost:" + runnerPort + "/health"), Duration.ofMinutes(3));
        System.out.println();
        System.out.println("ModelCat is ready: " + ui);
        System.out.println("  API explorer:     " + ui.resolve("/swagger-ui/index.html"));
        System.out.println("  logs:             " + logs);
        System.out.println("  metrics:          " + ui.resolve("/api/v1/prometheus") + " (a viewer's API token), http://localhost:"
                + runnerPort + "/prometheus (the token in " + home.resolve("metrics.token") + ")");
        Path initialPassword = home.resolve("initial-admin-password");
        if (Files.isRegularFile(initialPassword)) {
            System.out.println("  sign in as:       " + env.getOrDefault("MODELCAT_ADMIN_USERNAME", "admin")
                    + " / " + Files.readString(initialPassword).strip()
                    + "   (first start; change it on the Account page, then " + initialPassword + " is removed)");
        }
        System.out.println("Press Ctrl-C to stop.");
    }

    /** Fails with a message naming the setting when something already listens on {@code port}. */
    private static void portFree(String setting, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " is in use by another program (an earlier ModelCat "
                    + "still running?); stop it, or set " + setting + " to a free port");
        }
    }

    /** {@code backup <file>} or {@code restore <file>}; answers the exit code. */
    private static int backupCommand(Map<String, String> env, Path home, String[] args) {
        if (args.length != 2) {
            System.err.println("Usage: ./modelcat backup <file.zip>   or   ./modelcat restore <file.zip>");
            return 2;
        }
        BackupCommands commands = new BackupCommands(env, home);
        try {
            if (args[0].equals("backup")) {
                commands.backup(Path.of(args[1]));
            } else {
                commands.restore(Path.of(args[1]));
            }
            return 0;
        } catch (Exception e) {
            Console.warn("The " + args[0] + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        }
    }

    static int intSetting(Map<String, String> env, String variable, int defaultValue) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(variable + " must be a positive whole number, not '" + value + "'");
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

    /** Waits until {@code health} answers 200; fails if the service's process ends first or time runs out. */
    private static void waitForHealth(Supervised service, URI health, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!service.alive()) {
                throw new IllegalStateException(service.name() + " stopped during start-up ("
                        + service.exitDescription() + "); see its log, " + service.log());
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

    private record Database(String url, String user, String password) {
    }
}
