package io.modelcat.system.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.system.RunningSystem;
import io.modelcat.testsupport.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * schemathesis fuzzes the OpenAPI document of a running system (catalog-service from its jar, on a fresh
 * PostgreSQL) signed in as nobody, as a viewer, a contributor and an admin: every answer must be a documented status
 * with a documented body and content type, and none a 5xx (system-tests/fuzz/schemathesis.toml lists the checks).
 *
 * <p>The runs share one system and go from the least to the most powerful caller, so that what an admin deletes
 * cannot take data from the others. The operations that end the caller's own credentials (revoking a token,
 * disabling or demoting an account) run last, after every role's main run. The number of cases per operation is
 * {@code -Dmodelcat.fuzz.cases} (default 6) and the seed {@code -Dmodelcat.fuzz.seed}; docs/operations.md says
 * what a run covers and how long it takes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiFuzzSystemTest {

    private static final int CASES = Integer.getInteger("modelcat.fuzz.cases", 6);
    private static final String SEED = System.getProperty("modelcat.fuzz.seed", "20261205");
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    /** The operations only admins may call (catalog-service's AccessRulesTest has every endpoint's role). */
    private static final String ADMIN_ONLY = "^[A-Z]+ /api/v1/(users|runner-tokens|secrets|audit)|^DELETE /api/v1/models/\\{id\\}$";
    /** Operations that end the caller's own credentials: fuzzed last, so that they cannot cut other runs short. */
    private static final List<String> CREDENTIAL_ENDING = List.of("DELETE /api/v1/tokens/{id}", "PATCH /api/v1/users/{id}");

    private final Path reports = Path.of("target", "fuzz");
    private final List<Schemathesis.Run> runs = new ArrayList<>();
    private Schemathesis schemathesis;
    private RunningSystem system;
    private String schema;
    private final Map<String, String> tokens = new HashMap<>();

    @BeforeAll
    void start() {
        schemathesis = Schemathesis.installed();
        // No runner joins: sample inference waits a second for one, then answers its documented 504. Password hashes
        // are made cheap: the fuzzer signs in hundreds of times (every attempt, for a known name or not, derives a
        // hash), and at 600,000 iterations on a busy 2-core machine its requests queued past their 20 s timeout.
        system = new RunningSystem(Map.of("MODELCAT_PREDICT_WAIT", "1s", "MODELCAT_AUTH_PASSWORD_ITERATIONS", "10000"));
        schema = system.base().resolve("/swagger/modelcat-catalog.yml").toString();
        tokens.put("admin", system.adminToken());
        for (String role : List.of("viewer", "contributor")) {
            RunningSystem.Answer user = system.post("/api/v1/users", Map.of("username", "fuzz-" + role, "role", role));
            assertThat(user.status()).as(user.body()).isEqualTo(201);
            RunningSystem.Answer token = system.post("/api/v1/users/" + user.map().get("id") + "/tokens",
                    Map.of("name", "fuzzing"));
            assertThat(token.status()).as(token.body()).isEqualTo(201);
            tokens.put(role, (String) token.map().get("value"));
        }
    }

    @AfterAll
    void stop() {
        if (system != null) {
            system.close();
        }
        if (!runs.isEmpty()) {
            TreeSet<String> operations = new TreeSet<>();
            int cases = 0;
            long seconds = 0;
            System.out.println("API fuzzing (schemathesis, seed " + SEED + ", " + CASES + " cases per operation and phase):");
            for (Schemathesis.Run run : runs) {
                System.out.println("  " + run.summary());
                operations.addAll(run.operations());
                cases += run.cases();
                seconds += run.took().toSeconds();
            }
            System.out.printf("  %-20s %3d operations, %5d cases, %4d s%n", "total", operations.size(), cases, seconds);
        }
    }

    @Test
    @Order(1)
    void withoutCredentials() {
        fuzz("anonymous", null, List.of("--phases", "examples,fuzzing", "-n", "2"));
    }

    @Test
    @Order(2)
    void asAViewer() {
        fuzz("viewer", tokens.get("viewer"), sparing("examples,fuzzing,stateful"));
        assertStillSignedIn("viewer");
    }

    /**
     * The contributor's run has the coverage phase (boundary and malformed values of every input) for every operation
     * but the admins' own, which the admin's run covers.
     */
    @Test
    @Order(3)
    void asAContributor() {
        fuzz("contributor", tokens.get("contributor"), sparing("examples,fuzzing,stateful"));
        List<String> coverage = new ArrayList<>(sparing("coverage"));
        coverage.addAll(List.of("--exclude-name-regex", ADMIN_ONLY));
        fuzz("contributor-coverage", tokens.get("contributor"), coverage);
        assertStillSignedIn("contributor");
    }

    @Test
    @Order(4)
    void asAnAdmin() {
        fuzz("admin", tokens.get("admin"), sparing("examples,fuzzing,stateful"));
        // The coverage phase for what only admins may do (the contributor's run got 403 there).
        List<String> coverage = new ArrayList<>(sparing("coverage"));
        coverage.addAll(List.of("--include-name-regex", ADMIN_ONLY));
        fuzz("admin-coverage", tokens.get("admin"), coverage);
        assertStillSignedIn("admin");
    }

    @Test
    @Order(5)
    void theOperationsThatEndOnesOwnCredentialsLast() {
        for (String role : List.of("viewer", "contributor", "admin")) {
            List<String> only = new ArrayList<>(List.of("-n", Integer.toString(CASES)));
            CREDENTIAL_ENDING.forEach(name -> only.addAll(List.of("--include-name", name)));
            fuzz(role + "-last", tokens.get(role), only);
        }
    }

    /** The caller's token still works: a main run that lost it would have fuzzed the rest of the API unsigned. */
    private void assertStillSignedIn(String role) {
        HttpRequest request = HttpRequest.newBuilder(system.base().resolve("/api/v1/auth/session"))
                .header("Authorization", "Bearer " + tokens.get(role)).GET().build();
        try {
            int status = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(status).as("the %s's token after its run", role).isEqualTo(200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every operation but those that end the caller's own credentials, in the given phases. */
    private static List<String> sparing(String phases) {
        List<String> arguments = new ArrayList<>(List.of("--phases", phases, "-n", Integer.toString(CASES)));
        CREDENTIAL_ENDING.forEach(name -> arguments.addAll(List.of("--exclude-name", name)));
        return arguments;
    }

    private void fuzz(String name, String token, List<String> selection) {
        // One worker: Python 3.11's ast.parse, which Hypothesis calls while it describes strategies, fails now and
        // then when two threads run it at once ("AST constructor recursion depth mismatch").
        List<String> arguments = new ArrayList<>(List.of("--seed", SEED, "--workers", "1"));
        if (token != null) {
            arguments.addAll(List.of("-H", "Authorization: Bearer " + token));
        }
        arguments.addAll(selection);
        Schemathesis.Run run = schemathesis.run(name, Fixtures.repository().resolve("system-tests/fuzz/schemathesis.toml"),
                schema, arguments, reports.toAbsolutePath(), RUN_TIMEOUT);
        runs.add(run);
        System.out.println(run.summary());
        String output = run.output();
        assertThat(run.exitCode()).as("schemathesis as %s found problems (whole report: %s):%n%s", name,
                reports.resolve(name + ".log").toAbsolutePath(),
                output.length() > 30_000 ? "...\n" + output.substring(output.length() - 30_000) : output).isZero();
        assertThat(run.operations()).as("operations tested as " + name).isNotEmpty();
        assertThat(run.cases()).as("cases sent as " + name).isPositive();
    }
}
