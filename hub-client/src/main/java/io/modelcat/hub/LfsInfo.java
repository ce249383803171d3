package io.modelcat.hub;

/**
 * Git LFS metadata of a repository file, as the Hub reports it with {@code ?blobs=true}.
 *
 * @param sha256      hex SHA-256 of the file's content
 * @param size        size of the content in bytes
 * @param pointerSize size of the LFS pointer file in git, or 0 when not reported
 */
public record LfsInfo(String sha256, long size, long pointerSize) {
}
