package io.modelcat.hub;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One file of a repository (a "sibling" in the Hub's API).
 *
 * @param rfilename path of the file inside the repository, '/'-separated
 * @param size      size in bytes, or {@code null} when the Hub did not report it
 * @param blobId    git blob id, or {@code null}
 * @param lfs       LFS metadata for files stored in LFS, or {@code null}
 */
public record RepoFile(String rfilename, Long size, String blobId, LfsInfo lfs) {

    public RepoFile {
        Objects.requireNonNull(rfilename, "rfilename");
    }

    public static RepoFile named(String rfilename) {
        return new RepoFile(rfilename, null, null, null);
    }

    /** The size from the LFS metadata or the listing, when known. */
    public OptionalLong knownSize() {
        if (lfs != null) {
            return OptionalLong.of(lfs.size());
        }
        return size == null ? OptionalLong.empty() : OptionalLong.of(size);
    }

    /** The SHA-256 the content must have, known for LFS files only. */
    public Optional<String> sha256() {
        return lfs == null ? Optional.empty() : Optional.ofNullable(lfs.sha256());
    }
}
