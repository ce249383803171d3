package io.modelcat.system;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.credentials.IssuedToken;
import io.modelcat.credentials.SecretCipher;
import io.modelcat.testsupport.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The system as deployed: catalog-service and job-runners, each its own process started from its
 * built jar, on a fresh database. Runners can be added, stopped, or killed with SIGKILL.
 */
public final class RunningSystem implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final TestDatabase db = TestDatabase.shared().freshDatabase();
    private final Path home;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Process> runners = new HashMap<>();
    private final Map<String, Integer> runnerPorts = new HashMap<>();
    private final Map<String, Path> logs = new HashMap<>();
    private final URI base;
    private final Map<String, String> sharedEnv = new HashMap<>();
    private final String runnerToken = IssuedToken.generate(IssuedToken.RUNNER).value();
    private final String adminToken;

    /** The first admin's name and password, as the catalog is started with them. */
    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "system-test admin password";

    public RunningSystem() {
        this(Map.of());
    }

    /** A system whose processes all get {@code env} (for example HF_ENDPOINT of a local Hub). */
    public RunningSystem(Map<String, String> env) {
        sharedEnv.put("MODELCAT_RUNNER_TOKEN", runnerToken);
        sharedEnv.put("MODELCAT_SECRET_KEY", SecretCipher.generateKey());
        sharedEnv.putAll(env);
        try {
            home = Files.createTempDirectory("modelcat-system");
            int port = freePort();
            base = URI.create("http://localhost:" + port);
            sharedEnv.put("MODELCAT_CATALOG_URL", base.toString());
            start("catalog", jar("modelcat.catalogJar"), Map.of("MODELCAT_PORT", Integer.toString(port),
                    "MODELCAT_ADMIN_PASSWORD", ADMIN_PASSWORD));
            waitForHealth(base.resolve("/health"));
            adminToken = createToken(signIn(ADMIN, ADMIN_PASSWORD), "system tests");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts another catalog-service on the same database and home, as a second one behind a load balancer
     * would run, and answers its address once it is healthy.
     */
    public URI addCatalog() {
        try {
            int port = freePort();
            URI other = URI.create("http://localhost:" + port);
            start("catalog-" + port, jar("modelcat.catalogJar"), Map.of("MODELCAT_PORT", Integer.toString(port),
                    "MODELCAT_ADMIN_PASSWORD", ADMIN_PASSWORD));
            waitForHealth(other.resolve("/health"));
            return other;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A signed-in browser session: its cookie and CSRF token. */
    public record Session(String cookie, String csrfToken) {
    }

    /** Signs in as the UI does. */
    public Session signIn(String username, String password) {
        Answer answer = send(HttpRequest.newBuilder(base.resolve("/api/v1/auth/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("username", username, "password", password)))), null);
        if (answer.status() != 200) {
            throw new AssertionError("sign-in failed: " + answer.status() + " " + answer.body());
        }
        return new Session(answer.cookie(), (String) answer.map().get("csrfToken"));
    }

    /** Makes a personal API token with a session, as a user does on the Account page; returns its value. */
    public String createToken(Session session, String name) {
        Answer answer = send(HttpRequest.newBuilder(base.resolve("/api/v1/tokens")).header("Content-Type", "application/json")
                .header("Cookie", session.cookie()).header("X-CSRF-Token", session.csrfToken())
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("name", name)))), null);
        if (answer.status() != 201) {
            throw new AssertionError("token creation failed: " + answer.status() + " " + answer.body());
        }
        return (String) answer.map().get("value");
    }

    /** The admin's personal API token, for requests built by hand. */
    public String adminToken() {
        return adminToken;
    }

    /** The runner token every runner of this system starts with (catalog-service enrolled it). */
    public String runnerToken() {
        return runnerToken;
    }

    /** Starts a runner with the given extra environment and waits until it is in the worker list. */
    public String addRunner(String name, Map<String, String> env) {
        try {
            int port = freePort();
            Map<String, String> all = new HashMap<>(env);
            all.put("MODELCAT_RUNNER_PORT", Integer.toString(port));
            all.put("MODELCAT_RUNNER_USE_GPUS", "false");
            all.put("HOSTNAME", name);
            all.put("MODELCAT_RUNNER_SERVE_URL", "http://localhost:" + port);
            Process p = start(name, jar("modelcat.runnerJar"), all);
            runners.put(name, p);
            runnerPorts.put(name, port);
            waitForHealth(URI.create("http://localhost:" + port + "/health"));
            awaitValue(Duration.ofSeconds(30), () -> workers(), ws -> ws.stream().anyMatch(w -> ((String) w.get("host")).equals(name)));
            return name;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A runner process that ended by itself: its exit code and what it printed. */
    public record Ended(int exitCode, String output) {
    }

    /** Starts a runner that is expected to stop by itself (a bad token, say) and waits for it to end. */
    public Ended runnerThatStops(String name, Map<String, String> env, Duration timeout) {
        try {
            Map<String, String> all = new HashMap<>(env);
            all.put("MODELCAT_RUNNER_PORT", Integer.toString(freePort()));
            all.put("MODELCAT_RUNNER_USE_GPUS", "false");
            all.put("HOSTNAME", name);
            Path log = Path.of("target", "system-logs", name + "-" + System.nanoTime() + ".log");
            Process p = start(log, jar("modelcat.runnerJar"), all);
            if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("runner " + name + " did not stop within " + timeout.toSeconds() + " s");
            }
            processes.remove(p);
            return new Ended(p.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The address of a runner's HTTP server (health, serving, metrics). */
    public URI runnerUri(String name) {
        return URI.create("http://localhost:" + runnerPorts.get(name));
    }

    /** The file a process's output goes to: {@code catalog} (the first catalog-service) or a runner's name. */
    public Path log(String name) {
        return logs.get(name);
    }

    /** The HTTP status of a runner's health endpoint. */
    public int runnerHealth(String name) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + runnerPorts.get(name) + "/health")).GET()
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** Kills a runner as a crash would (SIGKILL: no shutdown hooks, no clean hand-back). */
    public void kill(String name) throws InterruptedException {
        Process p = runners.remove(name);
        p.destroyForcibly();
        p.waitFor();
        // Gone on purpose: no longer one whose death means a failed start.
        processes.remove(p);
    }

    /** MODELCAT_HOME shared by the processes: the artifact store is under {@code models/}. */
    public Path home() {
        return home;
    }

    public URI base() {
        return base;
    }

    public TestDatabase database() {
        return db;
    }

    /**
     * Sends a request to any catalog service of this system (the first, {@link #base()}, or one from
     * {@link #addCatalog()}) with the given headers (Authorization, Cookie, X-CSRF-Token) and a JSON body or none.
     */
    public Answer send(URI catalog, String method, String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(catalog.resolve(path)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return send(request, null);
    }

    /** Reads as the admin. */
    public Answer get(String path) {
        return get(path, adminToken);
    }

    /** Gets with a personal API token (null: none). */
    public Answer get(String path, String token) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), token);
    }

    /** Posts JSON as the admin. */
    public Answer post(String path, Object body) {
        return post(path, body, adminToken);
    }

    /** Posts JSON with a personal API token (null: none). */
    public Answer post(String path, Object body, String token) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))), token);
    }

    /** Posts a JSON text as written to any address (an endpoint's scoring URI, say) with a bearer key (null: none). */
    public Answer postJson(URI uri, String body, String key) {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), key);
    }

    /** Puts JSON as the admin. */
    public Answer put(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json(body))), adminToken);
    }

    /** Patches with JSON as the admin. */
    public Answer patch(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json(body))), adminToken);
    }

    public Answer delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE(), adminToken);
    }

    /** Sends a raw body as the admin, as a dataset upload does. */
    public Answer upload(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)), adminToken);
    }

    /** Sends a binary body (a model archive) as the admin. */
    public Answer upload(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), adminToken);
    }

    /** Gets a binary body (an archive) as the admin; fails unless the answer is 200. */
    public byte[] download(String path) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", "Bearer " + adminToken).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + new String(r.body(),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String json(Object body) {
        try {
            return body instanceof String text ? text : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Map<String, Object>> workers() {
        return get("/api/v1/workers").list();
    }

    public Map<String, Object> job(Object id) {
        return get("/api/v1/jobs/" + id).map();
    }

    /** Waits for a job to reach a state (or any final state when {@code state} is null). */
    public Map<String, Object> awaitJob(Object id, Duration timeout, String... states) {
        List<String> wanted = List.of(states);
        return awaitValue(timeout, () -> job(id), j -> wanted.contains((String) j.get("state")));
    }

    /** Imports a repository of the hub by its id and waits for the import to succeed; answers the new model's id. */
    public String importModel(String repo, Duration timeout) {
        Object job = post("/api/v1/imports", Map.of("modelId", repo)).map().get("id");
        Map<String, Object> done = awaitJob(job, timeout, "succeeded", "failed");
        if (!"succeeded".equals(done.get("state"))) {
            throw new AssertionError("the import of " + repo + " did not succeed: " + done);
        }
        return (String) ((Map<?, ?>) done.get("result")).get("modelId");
    }

    public <T> T awaitValue(Duration timeout, java.util.function.Supplier<T> read, Predicate<T> done) {
        Instant deadline = Instant.now().plus(timeout);
        T value = read.get();
        while (!done.test(value)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s; last value: " + value);
            }
            sleep(200);
            value = read.get();
        }
        return value;
    }

    private Answer send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Set-Cookie").map(c -> c.split(";")[0]).orElse(null),
                    r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Process start(String name, Path jar, Map<String, String> env) throws IOException {
        Path log = Path.of("target", "system-logs", name + "-" + System.nanoTime() + ".log");
        logs.put(name, log);
        return start(log, jar, env);
    }

    private Process start(Path log, Path jar, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
        pb.environment().put("DATABASE_URL", db.jdbcUrl());
        pb.environment().put("DATABASE_USER", db.user() == null ? "" : db.user());
        pb.environment().put("DATABASE_PASSWORD", db.password() == null ? "" : db.password());
        pb.environment().put("MODELCAT_HOME", home.toString());
        pb.environment().putAll(sharedEnv);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        Files.createDirectories(log.getParent());
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static Path jar(String property) {
        Path jar = Path.of(System.getProperty(property, "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The system tests run the built jars; " + jar
                    + " is missing. Build with ./mvnw verify (or package the services first).");
        }
        return jar;
    }

    private void waitForHealth(URI health) {
        awaitValue(Duration.ofSeconds(90), () -> {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("A process exited during start-up; see system-tests/target/system-logs");
                }
            }
            try {
                return http.send(HttpRequest.newBuilder(health).GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (IOException e) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }, code -> code == 200);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    /** An HTTP answer with its JSON body and the cookie it set, if any. */
    public record Answer(int status, String body, String cookie, Map<String, List<String>> headers) {

        public Answer(int status, String body, String cookie) {
            this(status, body, cookie, Map.of());
        }

        /** A header's first value (names as HTTP/1.1 sends them, any case), if the answer had it. */
        public java.util.Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        public Map<String, Object> map() {
            try {
                return JSON.readValue(body, new TypeReference<Map<String, Object>>() { });
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON object (" + status + "): " + body, e);
            }
        }

        /** The {@code items} of a page answer. */
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> items() {
            return (List<Map<String, Object>>) map().get("items");
        }

        public List<Map<String, Object>> list() {
            try {
                return JSON.readValue(body, new TypeReference<List<Map<String, Object>>>() { });
            } catch (IOException e) {
                throw new UncheckedIOException("not a JSON array (" + status + "): " + body, e);
            }
        }
    }
}
