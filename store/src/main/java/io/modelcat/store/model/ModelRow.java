package io.modelcat.store.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A row of the {@code model} table with its newest version (null when it has none) and how many versions it has;
 * {@code samples} is JSON text, {@code lockVersion} the optimistic lock that every change raises. {@code excerpt} is
 * the description's first text ({@link CardExcerpt}); the rows of a list page ({@link Models#list}) carry it alone,
 * their {@code description} and {@code samples} null.
 */
public record ModelRow(
        UUID id,
        String name,
        String publisher,
        String description,
        String excerpt,
        String task,
        List<String> finetuningTasks,
        String license,
        List<String> tags,
        String library,
        String architecture,
        String samples,
        String sourceType,
        String sourceRepo,
        String sourceRevision,
        String status,
        String statusMessage,
        VersionRow latestVersion,
        int versionCount,
        Instant createdAt,
        Instant updatedAt,
        long lockVersion) {

    /** This card with {@code latest} as its newest version. */
    ModelRow withLatestVersion(VersionRow latest) {
        return new ModelRow(id, name, publisher, description, excerpt, task, finetuningTasks, license, tags, library,
                architecture, samples, sourceType, sourceRepo, sourceRevision, status, statusMessage, latest,
                versionCount, createdAt, updatedAt, lockVersion);
    }
}
