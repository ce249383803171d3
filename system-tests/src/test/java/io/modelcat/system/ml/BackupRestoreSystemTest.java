package io.modelcat.system.ml;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.credentials.SecretCipher;
import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.hub.FakeHub;
import io.modelcat.testsupport.hub.RecordedRequest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./modelcat backup} of a running system, then {@code ./modelcat restore} into a new home (with its embedded
 * PostgreSQL): the restored system shows the same cards, versions, lineage, datasets, jobs, metrics, accounts and
 * tokens, holds the same model files, and reads the stored secrets with the same secret key.
 */
class BackupRestoreSystemTest {

    private static final String HF_TOKEN = "hf_backup_and_restore_secret";
    private static final List<String> SAME_AFTER_RESTORE = List.of("/api/v1/models", "/api/v1/datasets",
            "/api/v1/jobs", "/api/v1/users", "/api/v1/secrets");
    /** Lists to which the restored system's own start adds one (its test token, its runner token). */
    private static final List<String> KEPT_AFTER_RESTORE = List.of("/api/v1/tokens", "/api/v1/runner-tokens");

    @Test
    void aRestoredBackupIsTheSameSystem() throws Exception {
        String key = SecretCipher.generateKey();
        Path work = Files.createTempDirectory("modelcat-backup");
        Path archive = work.resolve("backup.zip");
        Path restoredHome = work.resolve("restored-home");
        Map<String, String> before = new TreeMap<>();
        String personalToken;
        String model;
        String evaluation;
        Path originalHome;
        try (FakeHub hub = FakeHub.start(); RunningSystem system = new RunningSystem(Map.of(
                "HF_ENDPOINT", hub.endpoint().toString(), "MODELCAT_SECRET_KEY", key))) {
            hub.addRepo("hf-tiny/bert", Fixtures.model("bert"));
            system.addRunner("runner", Map.of());
            assertThat(system.put("/api/v1/secrets/huggingface-token", Map.of("value", HF_TOKEN)).status()).isEqualTo(200);
            model = system.importModel("hf-tiny/bert", Duration.ofMinutes(2));
            String dataset = (String) system.upload("/api/v1/datasets?name=reviews", "text/csv",
                    SentimentData.csv(200, 1)).map().get("id");
            evaluation = (String) system.post("/api/v1/evaluations", Map.of("modelId", model, "datasetId", dataset,
                    "task", "text-classification", "mapping", Map.of("sentence1", "review", "label", "sentiment")))
                    .map().get("id");
            system.awaitJob(evaluation, Duration.ofMinutes(2), "succeeded");
            personalToken = system.createToken(system.signIn(RunningSystem.ADMIN, RunningSystem.ADMIN_PASSWORD),
                    "kept across the restore");
            for (String path : snapshotPaths(model, evaluation)) {
                before.put(path, comparable(system.get(path).body()));
            }
            originalHome = system.home();
            for (String path : KEPT_AFTER_RESTORE) {
                before.put(path, comparable(system.get(path).body()));
            }

            // Backed up while the system runs.
            Launched backup = launcher(Map.of("DATABASE_URL", system.database().jdbcUrl(),
                    "DATABASE_USER", nullToEmpty(system.database().user()),
                    "DATABASE_PASSWORD", nullToEmpty(system.database().password()),
                    "MODELCAT_HOME", originalHome.toString()), "backup", archive.toString());
            assertThat(backup.exitCode()).as(backup.output()).isZero();
            assertThat(backup.output()).contains("Backed up");
            assertThat(files(restoredHome)).isEmpty();

            int port = freePort();
            Launched restore = launcher(Map.of("MODELCAT_HOME", restoredHome.toString(),
                    "MODELCAT_EMBEDDED_DB_PORT", Integer.toString(port)), "restore", archive.toString());
            assertThat(restore.exitCode()).as(restore.output()).isZero();
            assertThat(files(restoredHome.resolve("models"))).isEqualTo(files(originalHome.resolve("models")));
            assertThat(files(restoredHome.resolve("datasets"))).isEqualTo(files(originalHome.resolve("datasets")));

            // A second restore into the same home is refused and changes nothing.
            Launched again = launcher(Map.of("MODELCAT_HOME", restoredHome.toString(),
                    "MODELCAT_EMBEDDED_DB_PORT", Integer.toString(port)), "restore", archive.toString());
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.output()).contains("is not empty");

            try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(restoredHome.resolve("postgres"))
                    .setCleanDataDirectory(false).setPort(port).start();
                 RunningSystem restored = new RunningSystem(Map.of("HF_ENDPOINT", hub.endpoint().toString(),
                         "MODELCAT_SECRET_KEY", key, "MODELCAT_HOME", restoredHome.toString(),
                         "DATABASE_URL", "jdbc:postgresql://localhost:" + port + "/modelcat",
                         "DATABASE_USER", "postgres", "DATABASE_PASSWORD", ""))) {
                for (String path : snapshotPaths(model, evaluation)) {
                    RunningSystem.Answer answer = restored.get(path, personalToken);
                    assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(200);
                    assertThat(comparable(answer.body())).as(path).isEqualTo(before.get(path));
                }
                // Every token of before is there (the restored system's start made one more of each, its own).
                for (String path : KEPT_AFTER_RESTORE) {
                    JsonNode now = JSON.readTree(comparable(restored.get(path, personalToken).body()));
                    for (JsonNode token : JSON.readTree(before.get(path))) {
                        assertThat(now).as(path).contains(token);
                    }
                }
                // The stored Hugging Face token decrypts with the same key: the next import sends it.
                hub.clearRequests();
                restored.addRunner("restored-runner", Map.of());
                hub.addRepo("hf-tiny/bert-again", Fixtures.model("bert"));
                Object reimport = restored.post("/api/v1/imports", Map.of("modelId", "hf-tiny/bert-again")).map().get("id");
                restored.awaitJob(reimport, Duration.ofMinutes(2), "succeeded");
                assertThat(hub.requests()).isNotEmpty().allSatisfy((RecordedRequest r) ->
                        assertThat(r.header("Authorization")).hasValue("Bearer " + HF_TOKEN));
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer without the times of last use, which the comparison's own requests move. */
    private static String comparable(String body) throws IOException {
        JsonNode tree = JSON.readTree(body);
        dropLastUse(tree);
        return tree.toString();
    }

    private static void dropLastUse(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new java.util.ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            names.stream().filter(n -> n.startsWith("last") && n.endsWith("At")).forEach(object::remove);
        }
        node.forEach(BackupRestoreSystemTest::dropLastUse);
    }

    private static List<String> snapshotPaths(String model, String evaluation) {
        return Stream.concat(SAME_AFTER_RESTORE.stream(), Stream.of("/api/v1/models/" + model,
                "/api/v1/models/" + model + "/versions", "/api/v1/jobs/" + evaluation + "/metrics",
                "/api/v1/jobs/" + evaluation + "/logs", "/api/v1/models/" + model + "/metrics")).toList();
    }

    private record Launched(int exitCode, String output) {
    }

    private static Launched launcher(Map<String, String> env, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("modelcat.launcherJar", "missing"));
        assertThat(jar).as("the launcher's jar (built by ./mvnw verify)").isRegularFile();
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("DATABASE_URL");
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Launched(p.exitValue(), output);
    }

    /** Every file under {@code dir} (relative path to SHA-256). */
    private static Map<String, String> files(Path dir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
                files.put(dir.relativize(f).toString(), HexFormat.of().formatHex(digest));
            }
        }
        return files;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
