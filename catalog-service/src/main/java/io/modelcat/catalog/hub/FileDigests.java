package io.modelcat.catalog.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import jakarta.inject.Singleton;

/**
 * The SHA-256 and git blob id of the files the Hub API serves, computed in one read of a file the first time it is
 * asked for and remembered while its size and modification time stay the same (artifact folders never change once
 * written, so a server computes each once).
 */
@Singleton
public class FileDigests {

    private static final int MAX_ENTRIES = 20_000;
    private static final int BUFFER = 1 << 16;

    /** A file's digests, hex. */
    public record Digests(String sha256, String blobId) {
    }

    private record Key(Path file, long size, long modified) {
    }

    private final Map<Key, Digests> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Digests> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    public Digests of(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Key key = new Key(file.toAbsolutePath(), attributes.size(), attributes.lastModifiedTime().toMillis());
            synchronized (cache) {
                Digests known = cache.get(key);
                if (known != null) {
                    return known;
                }
            }
            Digests computed = compute(file, attributes.size());
            synchronized (cache) {
                cache.put(key, computed);
            }
            return computed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Digests compute(Path file, long size) throws IOException {
        MessageDigest sha256 = digest("SHA-256");
        MessageDigest blob = digest("SHA-1");
        blob.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
                blob.update(buffer, 0, n);
            }
        }
        return new Digests(HexFormat.of().formatHex(sha256.digest()), HexFormat.of().formatHex(blob.digest()));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
