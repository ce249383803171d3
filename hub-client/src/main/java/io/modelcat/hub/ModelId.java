package io.modelcat.hub;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated Hugging Face Hub model repository id ({@code name} or {@code owner/name}), with an optional
 * revision (branch, tag or 40-hex commit sha).
 *
 * @param owner    the user or organisation, or {@code null} for legacy un-namespaced ids such as {@code gpt2}
 * @param name     the repository name
 * @param revision the branch, tag or commit to use, or {@code null} for the default branch
 */
public record ModelId(String owner, String name, String revision) {

    /** The branch the Hub serves when no revision is given. */
    public static final String DEFAULT_REVISION = "main";

    /** Longest owner or name the Hub accepts. */
    public static final int MAX_PART_LENGTH = 96;

    /** Longest revision we accept (git allows more, the Hub's UI does not). */
    public static final int MAX_REVISION_LENGTH = 255;

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._/-]+");

    public ModelId {
        if (owner != null) {
            validatePart(owner, "owner");
        }
        validatePart(name, "name");
        if (revision != null) {
            validateRevision(revision);
        }
    }

    /** Parses {@code name} or {@code owner/name}, without a revision. */
    public static ModelId parse(String input) {
        return parse(input, null);
    }

    /**
     * Parses {@code name} or {@code owner/name} with an optional revision.
     *
     * @throws IllegalArgumentException naming what was expected when the id or revision is not valid
     */
    public static ModelId parse(String input, String revision) {
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException("model id is empty; expected 'name' or 'owner/name', e.g. 'google-bert/bert-base-uncased'");
        }
        String id = input.strip();
        if (id.indexOf('\\') >= 0) {
            throw invalidId(id, "backslashes are not allowed");
        }
        if (id.startsWith("/")) {
            throw invalidId(id, "absolute paths are not allowed");
        }
        if (id.contains("..")) {
            throw invalidId(id, "'..' is not allowed");
        }
        String[] parts = id.split("/", -1);
        String rev = revision == null || revision.isBlank() ? null : revision.strip();
        return switch (parts.length) {
            case 1 -> new ModelId(null, parts[0], rev);
            case 2 -> new ModelId(parts[0], parts[1], rev);
            default -> throw invalidId(id, "at most one '/' is allowed");
        };
    }

    /** Whether {@code value} is a full 40-hex commit sha. */
    public static boolean isCommitSha(String value) {
        return value != null && COMMIT_SHA.matcher(value).matches();
    }

    /** {@code owner/name}, or {@code name} when there is no owner; the form the Hub's URLs use. */
    public String repoId() {
        return owner == null ? name : owner + "/" + name;
    }

    /** The revision, or {@link #DEFAULT_REVISION} when none was given. */
    public String revisionOrDefault() {
        return revision == null ? DEFAULT_REVISION : revision;
    }

    public Optional<String> optRevision() {
        return Optional.ofNullable(revision);
    }

    /** The same repository at another revision ({@code null} for the default branch). */
    public ModelId withRevision(String newRevision) {
        return new ModelId(owner, name, newRevision);
    }

    /** A directory name unique to this repository, in the Hugging Face cache style ({@code models--owner--name}). */
    public String cacheFolderName() {
        return "models--" + repoId().replace("/", "--");
    }

    @Override
    public String toString() {
        return revision == null ? repoId() : repoId() + "@" + revision;
    }

    private static void validatePart(String part, String what) {
        Objects.requireNonNull(part, what);
        if (part.isEmpty()) {
            throw new IllegalArgumentException("model " + what + " is empty; expected 'name' or 'owner/name'");
        }
        if (part.length() > MAX_PART_LENGTH) {
            throw new IllegalArgumentException("model " + what + " '" + abbreviate(part) + "' is " + part.length()
                    + " characters; at most " + MAX_PART_LENGTH + " are allowed");
        }
        if (!PART.matcher(part).matches()) {
            throw new IllegalArgumentException("model " + what + " '" + abbreviate(part)
                    + "' may only contain letters, digits, '-', '_' and '.'");
        }
        char first = part.charAt(0);
        char last = part.charAt(part.length() - 1);
        if (first == '-' || first == '.' || last == '-' || last == '.') {
            throw new IllegalArgumentException("model " + what + " '" + part + "' must not start or end with '-' or '.'");
        }
        if (part.contains("--") || part.contains("..")) {
            throw new IllegalArgumentException("model " + what + " '" + part + "' must not contain '--' or '..'");
        }
        if (part.endsWith(".git")) {
            throw new IllegalArgumentException("model " + what + " '" + part + "' must not end with '.git'");
        }
    }

    private static void validateRevision(String revision) {
        String expected = "; expected a branch, a tag or a 40-hex commit sha";
        if (revision.isEmpty()) {
            throw new IllegalArgumentException("revision is empty" + expected);
        }
        if (revision.length() > MAX_REVISION_LENGTH) {
            throw new IllegalArgumentException("revision is " + revision.length() + " characters; at most "
                    + MAX_REVISION_LENGTH + " are allowed");
        }
        if (!REVISION.matcher(revision).matches()) {
            throw new IllegalArgumentException("revision '" + abbreviate(revision)
                    + "' may only contain letters, digits, '-', '_', '.' and '/'" + expected);
        }
        if (revision.startsWith("/") || revision.endsWith("/") || revision.contains("//")
                || revision.startsWith("-") || revision.startsWith(".") || revision.endsWith(".")
                || revision.contains("..") || revision.contains("/.") || revision.endsWith(".lock")) {
            throw new IllegalArgumentException("revision '" + revision + "' is not a valid git ref name" + expected);
        }
    }

    private static IllegalArgumentException invalidId(String id, String reason) {
        return new IllegalArgumentException("model id '" + abbreviate(id) + "' is not valid: " + reason
                + "; expected 'name' or 'owner/name', e.g. 'google-bert/bert-base-uncased'");
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
}
