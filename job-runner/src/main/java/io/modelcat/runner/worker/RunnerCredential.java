package io.modelcat.runner.worker;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.modelcat.credentials.RunnerTokens;
import io.modelcat.store.Database;
import jakarta.inject.Singleton;
import java.util.UUID;

/**
 * This runner's proof that an admin enrolled it: the runner token in {@code MODELCAT_RUNNER_TOKEN}.
 * Checked when the runner starts (a runner without a valid token never joins the job clusters) and
 * with every heartbeat (a revoked or expired token makes it stop taking jobs).
 */
@Singleton
public class RunnerCredential {

    private final Database db;
    private final String token;
    private volatile RunnerTokens.Verdict verdict;

    public RunnerCredential(Database db, @Nullable @Value("${modelcat.runner.token:}") String token) {
        this.db = db;
        if (token == null || token.isBlank()) {
            throw new IllegalStateException("MODELCAT_RUNNER_TOKEN is not set: a job-runner needs a runner token to take "
                    + "jobs. An admin issues one on the web UI's Admin page (Runner tokens) or with POST "
                    + "/api/v1/runner-tokens; ./modelcat and docker-compose set one up themselves.");
        }
        this.token = token.trim();
        this.verdict = check();
        if (verdict.status() != RunnerTokens.Status.VALID) {
            throw new IllegalStateException(refusal(verdict.status()));
        }
    }

    /** The id of this runner's token, as the worker list shows it. */
    public UUID tokenId() {
        return verdict.token() == null ? null : verdict.token().id();
    }

    /** Whether the token was valid at the last check. */
    public boolean valid() {
        return verdict.status() == RunnerTokens.Status.VALID;
    }

    /** Checks the token again; the answer is also what {@link #valid()} says from now on. */
    public RunnerTokens.Status recheck() {
        verdict = check();
        return verdict.status();
    }

    /** Why a runner with a token of this status may not take jobs. */
    public static String refusal(RunnerTokens.Status status) {
        return switch (status) {
            case UNKNOWN -> "MODELCAT_RUNNER_TOKEN is not a runner token this system knows: an admin issues one on the "
                    + "web UI's Admin page (Runner tokens) or with POST /api/v1/runner-tokens";
            case REVOKED -> "MODELCAT_RUNNER_TOKEN has been revoked by an admin: this runner may not take jobs";
            case EXPIRED -> "MODELCAT_RUNNER_TOKEN has expired: ask an admin for a new runner token";
            case VALID -> "the runner token is valid";
        };
    }

    private RunnerTokens.Verdict check() {
        return db.write(c -> RunnerTokens.check(c, token));
    }
}
