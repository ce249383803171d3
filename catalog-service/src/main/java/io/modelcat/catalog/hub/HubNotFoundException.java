package io.modelcat.catalog.hub;

import io.modelcat.catalog.problem.CatalogException;

/**
 * A repository, revision or file the Hub API does not have, with the Hub's error code ({@code X-Error-Code}), which
 * {@code huggingface_hub} turns into {@code RepositoryNotFoundError}, {@code RevisionNotFoundError} or
 * {@code EntryNotFoundError}.
 */
public final class HubNotFoundException extends CatalogException {

    /** The Hub's error codes. */
    public enum Code { RepoNotFound, RevisionNotFound, EntryNotFound }

    private final Code code;

    public HubNotFoundException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
