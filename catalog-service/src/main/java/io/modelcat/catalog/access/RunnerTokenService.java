package io.modelcat.catalog.access;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.credentials.RunnerTokens;
import io.modelcat.store.Database;
import io.modelcat.store.change.ChangeNotices;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.inject.Singleton;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The credentials of job-runners: admins issue one per runner (or one shared by a pool), and revoke
 * them; a runner with a revoked token stops taking jobs within one heartbeat. A token given to the
 * services as {@code MODELCAT_RUNNER_TOKEN} (by ./modelcat or docker-compose) is enrolled at start.
 */
@Singleton
public class RunnerTokenService implements ApplicationEventListener<StartupEvent> {

    /** Shortest {@code MODELCAT_RUNNER_TOKEN} accepted: guessing it must be hopeless. */
    static final int MIN_CONFIGURED_LENGTH = 32;

    private final Database db;
    private final AuditLog audit;
    private final Authenticator authenticator;
    private final String configuredToken;

    public RunnerTokenService(Database db, AuditLog audit, Authenticator authenticator,
                              @Nullable @Value("${modelcat.runner.token:}") String configuredToken) {
        this.db = db;
        this.audit = audit;
        this.authenticator = authenticator;
        this.configuredToken = configuredToken == null || configuredToken.isBlank() ? null : configuredToken.trim();
    }

    /** A request for a runner token. */
    @Serdeable
    @Schema(name = "CreateRunnerToken")
    public record CreateRunnerToken(
            @NotBlank @Size(max = 100) @Schema(description = "which runner or pool it is for, e.g. 'gpu-box-1'") String name,
            @Nullable @Min(1) @Max(3650) @Schema(description = "days until it expires; omit for no expiry") Integer expiresInDays) {
    }

    /** A just-issued runner token: shown once. */
    @Serdeable
    @Schema(name = "IssuedRunnerToken")
    public record IssuedRunnerToken(RunnerTokenView token,
                                    @Schema(description = "start the runner with MODELCAT_RUNNER_TOKEN set to this. Shown only now.") String value) {

        @Override
        public String toString() {
            return "IssuedRunnerToken[" + token.prefix() + "…]";
        }
    }

    /** A runner token as admins see it. */
    @Serdeable
    @Schema(name = "RunnerToken")
    public record RunnerTokenView(UUID id, String name, String prefix, String createdBy, Instant createdAt,
                                  @Nullable Instant expiresAt, @Nullable Instant lastUsedAt, @Nullable Instant revokedAt,
                                  @Schema(description = "whether a runner may start and take jobs with it now") boolean active) {

        static RunnerTokenView of(RunnerTokens.RunnerToken t) {
            return new RunnerTokenView(t.id(), t.name(), t.prefix(), t.createdBy(), t.createdAt(), t.expiresAt(),
                    t.lastUsedAt(), t.revokedAt(), t.activeAt(Instant.now()));
        }
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (configuredToken == null) {
            return;
        }
        if (configuredToken.length() < MIN_CONFIGURED_LENGTH) {
            throw new IllegalStateException("MODELCAT_RUNNER_TOKEN must be at least " + MIN_CONFIGURED_LENGTH
                    + " characters (e.g. 'openssl rand -base64 32'); it is " + configuredToken.length());
        }
        db.write(c -> {
            RunnerTokens.enrollIfAbsent(c, "MODELCAT_RUNNER_TOKEN", configuredToken, "system");
            return null;
        });
    }

    public IssuedRunnerToken issue(CreateRunnerToken request, Caller by) {
        Instant expiresAt = request.expiresInDays() == null ? null
                : Instant.now().plus(Duration.ofDays(request.expiresInDays()));
        RunnerTokens.Issued issued = db.write(c -> RunnerTokens.issue(c, request.name().trim(), by.username(), expiresAt));
        audit.record(by.did("runner-token.create", "runner_token", issued.record().id(),
                Map.of("name", issued.record().name())));
        return new IssuedRunnerToken(RunnerTokenView.of(issued.record()), issued.token().value());
    }

    public List<RunnerTokenView> list() {
        return db.read(RunnerTokens::list).stream().map(RunnerTokenView::of).toList();
    }

    public RunnerTokenView revoke(UUID id, Caller by) {
        // Runners calling the LLM mesh for a bulk test are trusted for a while (Authenticator): every catalog
        // service forgets them at once (the change notice).
        RunnerTokens.RunnerToken token = db.write(c -> {
            Optional<RunnerTokens.RunnerToken> revoked = RunnerTokens.revoke(c, id);
            if (revoked.isPresent()) {
                ChangeNotices.accessChanged(c);
            }
            return revoked;
        }).orElseThrow(() -> new NotFoundException("no runner token has id " + id));
        authenticator.forgetAll();
        audit.record(by.did("runner-token.revoke", "runner_token", id, Map.of("name", token.name())));
        return RunnerTokenView.of(token);
    }
}
