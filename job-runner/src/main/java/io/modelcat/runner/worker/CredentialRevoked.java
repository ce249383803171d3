package io.modelcat.runner.worker;

/** Published when this runner's token stops being valid: it must stop taking jobs and hand back its own. */
public record CredentialRevoked(String reason) {
}
