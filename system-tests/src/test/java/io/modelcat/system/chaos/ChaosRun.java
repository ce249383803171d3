package io.modelcat.system.chaos;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import java.io.IOException;
import java.io.PrintStream;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The chaos run of {@code bench/chaos.sh}: ModelCat as {@code ./modelcat} runs it (the launcher, which restarts
 * what dies) plus a second runner, a steady stream of fine-tunes, evaluations and imports (from a local Hub) and
 * catalog reads; every {@code killEvery} seconds one component is killed with SIGKILL, in turn: the launcher's
 * runner, the second runner, catalog-service, PostgreSQL. At the end it reports the jobs submitted, finished,
 * retried, lost (not ended an allowance after the last submission) and run twice (more "Started" lines than
 * attempts), and the reads that failed outside the kill windows (from the kill until the catalog answers again,
 * plus 5 s). Loopback only.
 *
 * <p>Arguments: the launcher, catalog and runner jars, the number of kills (default 4), seconds between kills
 * (default 45), and the report file.
 */
public final class ChaosRun {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final String PASSWORD = "chaos run admin password";
    private static final Duration GRACE_AFTER_RECOVERY = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<String> submitted = new CopyOnWriteArrayList<>();
    private final List<Instant[]> killWindows = new CopyOnWriteArrayList<>();
    private final List<Instant> failedReads = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> refusedSubmissions = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private URI base;
    private String token;

    public static void main(String[] args) throws Exception {
        new ChaosRun().run(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]),
                args.length > 3 ? Integer.parseInt(args[3]) : 4, args.length > 4 ? Integer.parseInt(args[4]) : 45,
                args.length > 5 ? Path.of(args[5]) : Path.of("bench/results/chaos.txt"));
    }

    private void run(Path launcherJar, Path catalogJar, Path runnerJar, int kills, int killEvery, Path report)
            throws Exception {
        Path home = Files.createTempDirectory("modelcat-chaos");
        int port = freePort();
        int dbPort = freePort();
        base = URI.create("http://localhost:" + port);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (FakeHub hub = FakeHub.start()) {
            for (int i = 0; i < 50; i++) {
                hub.addRepo("chaos/bert-" + i, Fixtures.model("bert"));
            }
            ProcessBuilder launcher = new ProcessBuilder(java, "-jar", launcherJar.toString(), catalogJar.toString(),
                    runnerJar.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("launcher.log").toFile()));
            launcher.environment().remove("DATABASE_URL");
            launcher.environment().putAll(Map.of("MODELCAT_HOME", home.toString(), "MODELCAT_PORT", Integer.toString(port),
                    "MODELCAT_RUNNER_PORT", Integer.toString(freePort()), "MODELCAT_EMBEDDED_DB_PORT",
                    Integer.toString(dbPort), "MODELCAT_ADMIN_PASSWORD", PASSWORD, "HF_ENDPOINT", hub.endpoint().toString(),
                    "MODELCAT_RESTART_LIMIT", "20"));
            Process system = launcher.start();
            Process second = null;
            try {
                await(Duration.ofMinutes(3), () -> Files.readString(home.resolve("launcher.log")).contains("ModelCat is ready"));
                token = signIn();
                ProcessBuilder secondRunner = new ProcessBuilder(java, "-jar", runnerJar.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("logs/runner-2.log").toFile()));
                secondRunner.environment().putAll(Map.of("DATABASE_URL", "jdbc:postgresql://localhost:" + dbPort + "/modelcat",
                        "DATABASE_USER", "postgres", "DATABASE_PASSWORD", "", "MODELCAT_HOME", home.toString(),
                        "MODELCAT_RUNNER_PORT", Integer.toString(freePort()), "HF_ENDPOINT", hub.endpoint().toString(),
                        "MODELCAT_RUNNER_TOKEN", Files.readString(home.resolve("runner.token")).strip(),
                        "MODELCAT_SECRET_KEY", Files.readString(home.resolve("secret.key")).strip()));
                second = secondRunner.start();
                String model = importAndWait("chaos/bert-0");
                String dataset = uploadDataset();

                Thread reader = new Thread(this::readContinuously);
                Thread submitter = new Thread(() -> submitContinuously(model, dataset));
                reader.start();
                submitter.start();
                String[] victims = {"job-runner", "runner-2", "catalog-service", "postgresql"};
                for (int k = 0; k < kills; k++) {
                    Thread.sleep(killEvery * 1000L);
                    String victim = victims[k % victims.length];
                    Instant killedAt = Instant.now();
                    if (victim.equals("runner-2")) {
                        second.destroyForcibly().waitFor();
                        second = secondRunner.start();
                    } else {
                        long pid = Long.parseLong(Files.readString(home.resolve("run").resolve(victim + ".pid")).trim());
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    }
                    Thread.sleep(1000);
                    await(Duration.ofMinutes(2), () -> status("/api/v1/models?limit=1") == 200);
                    killWindows.add(new Instant[] {killedAt, Instant.now().plus(GRACE_AFTER_RECOVERY)});
                    System.out.println("killed " + victim + "; the catalog answered again after "
                            + Duration.between(killedAt, Instant.now()).toMillis() + " ms");
                }
                running.set(false);
                submitter.join();
                reader.join();
                Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
                while (Instant.now().isBefore(deadline) && submitted.stream().anyMatch(id -> !ended(id))) {
                    Thread.sleep(2000);
                }
                report(report);
            } finally {
                if (second != null) {
                    second.destroy();
                    second.waitFor();
                }
                system.destroy();
                system.waitFor();
            }
        }
    }

    private void readContinuously() {
        Random random = new Random(1);
        while (running.get()) {
            reads.incrementAndGet();
            String path = random.nextBoolean() ? "/api/v1/models?limit=20" : "/api/v1/jobs?limit=20";
            if (status(path) != 200) {
                failedReads.add(Instant.now());
            }
            sleep(100);
        }
    }

    private void submitContinuously(String model, String dataset) {
        int round = 0;
        Map<String, Object> mapping = Map.of("sentence1", "review", "label", "sentiment");
        while (running.get()) {
            round++;
            submit("fine-tune", "/api/v1/finetunes", Map.of("modelId", model, "task", "text-classification",
                    "trainDatasetId", dataset, "mapping", mapping,
                    "hyperparameters", Map.of("epochs", 2, "batchSize", 16, "learningRate", 3e-3)));
            submit("evaluation", "/api/v1/evaluations", Map.of("modelId", model, "datasetId", dataset,
                    "task", "text-classification", "mapping", mapping));
            submit("import", "/api/v1/imports", Map.of("modelId", "chaos/bert-" + (1 + round % 49)));
            sleep(8000);
        }
    }

    private void submit(String what, String path, Map<String, Object> body) {
        try {
            HttpResponse<String> r = http.send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 202) {
                submitted.add((String) JSON.readValue(r.body(), Map.class).get("id"));
                return;
            }
        } catch (IOException e) {
            // refused during a kill window: counted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        refusedSubmissions.computeIfAbsent(what, w -> new AtomicInteger()).incrementAndGet();
    }

    private void report(Path file) throws Exception {
        int succeeded = 0;
        int failed = 0;
        int retried = 0;
        int lost = 0;
        int twice = 0;
        List<String> notes = new ArrayList<>();
        for (String id : submitted) {
            Map<String, Object> job = get("/api/v1/jobs/" + id);
            String state = (String) job.get("state");
            int attempt = ((Number) job.get("attempt")).intValue();
            switch (state) {
                case "succeeded" -> succeeded++;
                case "failed" -> {
                    failed++;
                    notes.add("failed " + job.get("kind") + " " + id + ": " + job.get("error"));
                }
                case "queued", "running" -> {
                    lost++;
                    notes.add("not ended: " + job.get("kind") + " " + id + " (" + state + ")");
                }
                default -> { }
            }
            if (attempt > 1) {
                retried++;
            }
            List<Map<String, Object>> logs = JSON.readValue(send("/api/v1/jobs/" + id + "/logs?limit=1000").body(),
                    new TypeReference<>() { });
            long starts = logs.stream().filter(l -> ((String) l.get("message")).startsWith("Started")).count();
            if (starts > Math.max(1, attempt)) {
                twice++;
                notes.add("started " + starts + " times in " + attempt + " attempt(s): " + id);
            }
        }
        long outside = failedReads.stream().filter(t -> killWindows.stream()
                .noneMatch(w -> !t.isBefore(w[0]) && !t.isAfter(w[1]))).count();
        try (PrintStream out = new PrintStream(Files.newOutputStream(file))) {
            for (PrintStream p : List.of(out, System.out)) {
                p.printf("kills %d (runner, second runner, catalog-service, postgresql in turn)%n", killWindows.size());
                p.printf("jobs submitted %d: succeeded %d, failed %d, retried %d, lost %d, run twice %d%n",
                        submitted.size(), succeeded, failed, retried, lost, twice);
                p.printf("submissions refused during kill windows: %s%n", refusedSubmissions);
                p.printf("catalog reads %d: failed %d, of them outside the kill windows %d%n", reads.get(),
                        failedReads.size(), outside);
                notes.forEach(p::println);
            }
        }
    }

    private boolean ended(String id) {
        try {
            Object state = get("/api/v1/jobs/" + id).get("state");
            return "succeeded".equals(state) || "failed".equals(state) || "cancelled".equals(state);
        } catch (Exception e) {
            return false;
        }
    }

    private String importAndWait(String repo) throws Exception {
        HttpResponse<String> r = http.send(request("/api/v1/imports").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("modelId", repo)))).build(),
                HttpResponse.BodyHandlers.ofString());
        String job = (String) JSON.readValue(r.body(), Map.class).get("id");
        await(Duration.ofMinutes(2), () -> ended(job));
        return (String) ((Map<?, ?>) get("/api/v1/jobs/" + job).get("result")).get("modelId");
    }

    private String uploadDataset() throws Exception {
        StringBuilder csv = new StringBuilder("review,sentiment\n");
        Random random = new Random(3);
        for (int i = 0; i < 300; i++) {
            boolean positive = random.nextDouble() < 0.6;
            csv.append("\"the movie was ").append(positive ? "good" : "bad").append(" .\",")
                    .append(positive ? "positive" : "negative").append('\n');
        }
        HttpResponse<String> r = http.send(request("/api/v1/datasets?name=chaos").header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv.toString())).build(), HttpResponse.BodyHandlers.ofString());
        return (String) JSON.readValue(r.body(), Map.class).get("id");
    }

    private String signIn() throws Exception {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("username", "admin", "password", PASSWORD)))).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String csrf = (String) JSON.readValue(login.body(), Map.class).get("csrfToken");
        HttpResponse<String> made = http.send(HttpRequest.newBuilder(base.resolve("/api/v1/tokens"))
                .header("Content-Type", "application/json").header("Cookie", cookie).header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"chaos\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return (String) JSON.readValue(made.body(), Map.class).get("value");
    }

    private Map<String, Object> get(String path) throws Exception {
        return JSON.readValue(send(path).body(), new TypeReference<>() { });
    }

    private HttpResponse<String> send(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token);
    }

    private int status(String path) {
        try {
            return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private interface Check {
        boolean done() throws Exception;
    }

    private static void await(Duration timeout, Check check) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                if (check.done()) {
                    return;
                }
            } catch (IOException e) {
                // not there yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("not within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(500);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
