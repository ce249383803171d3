package io.modelcat.catalog.hub;

import java.nio.file.Path;

/**
 * A file of a revision as the Hub describes it.
 *
 * @param path   its name in the repository, {@code /}-separated
 * @param file   where it is on this server
 * @param size   its size in bytes
 * @param sha256 its SHA-256 (the Hub's LFS oid), hex
 * @param blobId its git blob id: of its content, or for an LFS file of its LFS pointer (as the Hub lists them), hex
 * @param lfs    whether the Hub would keep it in LFS (weights and large files): then it is served with
 *               {@code X-Linked-Etag} and {@code X-Linked-Size} and listed with its {@code lfs} info
 * @param pointerSize the size of its LFS pointer file (0 when not in LFS)
 */
public record HubFile(String path, Path file, long size, String sha256, String blobId, boolean lfs, int pointerSize) {

    /** What the Hub sends as the ETag: the SHA-256 for LFS files, the blob id for the others. */
    public String etag() {
        return lfs ? sha256 : blobId;
    }
}
