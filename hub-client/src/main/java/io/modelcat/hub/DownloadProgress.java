package io.modelcat.hub;

/** Receives download progress, at most a few times a second per file and once when a file completes. */
@FunctionalInterface
public interface DownloadProgress {

    /** Ignores all progress. */
    DownloadProgress NONE = (filename, bytesDone, totalBytes, bytesPerSecond) -> { };

    /**
     * @param filename       the file in the repository
     * @param bytesDone      bytes of the file on disk so far
     * @param totalBytes     the file's size, or -1 when not known yet
     * @param bytesPerSecond average transfer rate of this download so far
     */
    void update(String filename, long bytesDone, long totalBytes, double bytesPerSecond);
}
