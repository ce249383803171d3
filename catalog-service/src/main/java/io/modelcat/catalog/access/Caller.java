package io.modelcat.catalog.access;

import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.ForbiddenException;
import java.util.Map;
import java.util.UUID;

/**
 * Who sent a request, as their credentials proved it.
 *
 * @param userId     the account
 * @param username   its name, as audit records show it
 * @param role       its role now
 * @param method     how the request proved it
 * @param remoteAddr the client's address
 */
public record Caller(UUID userId, String username, Role role, Method method, String remoteAddr) {

    /** How a request proved who sent it. */
    public enum Method {
        /** A personal API token ({@code Authorization: Bearer mc_pat_...}). */
        API_TOKEN,
        /** The web UI's session cookie. */
        SESSION,
        /** A job-runner's runner token, on behalf of a running bulk-test job's submitter. */
        RUNNER_FOR_JOB,
        /** A flow deployment's call, its steps' LLM calls made as the person who created the deployment. */
        FLOW_DEPLOYMENT
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /**
     * Refuses (403) unless this caller owns the thing or is an admin.
     *
     * @param ownerId the owner's user id (null for things made before accounts existed: only admins act on them)
     * @param what    the thing, for the message, e.g. "job 3f2b..."
     */
    public void requireOwnerOrAdmin(UUID ownerId, String what) {
        if (!isAdmin() && !userId.equals(ownerId)) {
            throw new ForbiddenException("only the owner of " + what + " or an admin may do this");
        }
    }

    /** The audit record of this caller having done {@code action} to a thing. */
    public AuditLog.Entry did(String action, String targetType, Object targetId, Map<String, Object> details) {
        return new AuditLog.Entry(userId, username, action, targetType, targetId == null ? null : targetId.toString(),
                AuditLog.SUCCESS, remoteAddr, details);
    }
}
