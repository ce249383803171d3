package io.modelcat.catalog.hub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file of a revision as the Hub describes it.
 *
 * @param path   its name in the repository, {@code /}-separated
 * @param file   where it is on this server, or {@code null} for a file the Hub API makes ({@link #generated})
 * @param content the content of a file the Hub API makes, else {@code null}
 * @param size   its size in bytes
 * @param sha256 its SHA-256 (the Hub's LFS oid), hex
 * @param blobId its git blob id: of its content, or for an LFS file of its LFS pointer (as the Hub lists them), hex
 * @param lfs    whether the Hub would keep it in LFS (weights and large files): then it is served with
 *               {@code X-Linked-Etag} and {@code X-Linked-Size} and listed with its {@code lfs} info
 * @param pointerSize the size of its LFS pointer file (0 when not in LFS)
 */
public record HubFile(String path, Path file, byte[] content, long size, String sha256, String blobId, boolean lfs,
                      int pointerSize) {

    /** A small file the Hub API makes (a generated model card), with its digests. */
    public static HubFile generated(String path, byte[] content) {
        try {
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            MessageDigest blob = MessageDigest.getInstance("SHA-1");
            blob.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return new HubFile(path, null, content.clone(), content.length, sha256,
                    HexFormat.of().formatHex(blob.digest(content)), false, 0);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the Hub sends as the ETag: the SHA-256 for LFS files, the blob id for the others. */
    public String etag() {
        return lfs ? sha256 : blobId;
    }
}
