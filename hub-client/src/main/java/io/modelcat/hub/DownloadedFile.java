package io.modelcat.hub;

import java.nio.file.Path;

/**
 * A file that {@link HubClient#download} put in place.
 *
 * @param path     where it now is
 * @param size     its size in bytes
 * @param sha256   hex SHA-256 of its content, computed while downloading
 * @param verified whether the SHA-256 was checked against one the Hub advertised (LFS files)
 * @param commit   the commit the Hub served it from ({@code X-Repo-Commit}), or {@code null}
 */
public record DownloadedFile(Path path, long size, String sha256, boolean verified, String commit) {
}
