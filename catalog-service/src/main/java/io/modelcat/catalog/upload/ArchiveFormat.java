package io.modelcat.catalog.upload;

import io.modelcat.catalog.problem.InvalidFieldException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The archive formats a model may be uploaded in. */
public enum ArchiveFormat {
    ZIP,
    TAR_GZ;

    /** The format named by {@code ?format=} ({@code zip}, {@code tar.gz} or {@code tgz}). */
    static ArchiveFormat named(String format) {
        return switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "zip" -> ZIP;
            case "tar.gz", "tgz" -> TAR_GZ;
            default -> throw new InvalidFieldException("format", "unknown archive format '" + format
                    + "'; expected zip or tar.gz");
        };
    }

    /** The format of the archive's first bytes: a zip's local header or gzip's magic number. */
    static ArchiveFormat sniff(Path archive) throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(archive)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5) && (head[3] == 4 || head[3] == 6)) {
            return ZIP;
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return TAR_GZ;
        }
        throw new InvalidFieldException("file", n == 0 ? "the request has no body; send the archive as the body"
                : "the body is neither a zip nor a gzip-compressed tar archive of a model folder");
    }
}
