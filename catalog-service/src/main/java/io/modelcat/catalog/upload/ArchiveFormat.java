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
    TAR_GZ,
    /** A plain tar, as the UI builds from a dropped folder (weights barely compress; the browser need not read them). */
    TAR;

    /** The format named by {@code ?format=} ({@code zip}, {@code tar.gz}, {@code tgz} or {@code tar}). */
    static ArchiveFormat named(String format) {
        return switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "zip" -> ZIP;
            case "tar.gz", "tgz" -> TAR_GZ;
            case "tar" -> TAR;
            default -> throw new InvalidFieldException("format", "unknown archive format '" + format
                    + "'; expected zip, tar.gz or tar");
        };
    }

    /** The format of the archive's first bytes: a zip's local header, gzip's magic number, or a tar's {@code ustar}. */
    static ArchiveFormat sniff(Path archive) throws IOException {
        byte[] head = new byte[TAR_MAGIC_AT + 5];
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
        if (n == head.length && new String(head, TAR_MAGIC_AT, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
            return TAR;
        }
        throw new InvalidFieldException("file", n == 0 ? "the request has no body; send the archive as the body"
                : "the body is neither a zip nor a tar (plain or gzip-compressed) archive of a model folder");
    }

    /** Where a POSIX tar header holds its magic {@code ustar}. */
    private static final int TAR_MAGIC_AT = 257;
}
