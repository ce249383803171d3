package io.modelcat.catalog.hub;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The SHA-256 and git blob id of the files the Hub API serves. A file the Hub keeps in LFS has as its blob id the id
 * of its LFS pointer (made from the SHA-256 and size, without reading the file), and its SHA-256 is taken from what
 * was recorded when the file arrived (an upload's lineage) when there is such a record; anything else is computed in
 * one read of the file. What is computed is remembered in memory and on disk ({@code $MODELCAT_HOME/hub/digests}),
 * keyed by the file's path, size and modification time: artifact folders never change once written, so a site
 * reads each large file at most once, not on every HEAD that {@code huggingface_hub} sends with a 10 s timeout.
 */
@Singleton
public class FileDigests {

    private static final int MAX_ENTRIES = 20_000;
    private static final int BUFFER = 1 << 16;
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

    /**
     * A file's digests, hex.
     *
     * @param pointerSize the size of its LFS pointer file (0 for files not in LFS)
     */
    public record Digests(String sha256, String blobId, int pointerSize) {
    }

    private record Key(Path file, long size, long modified, boolean lfs) {
    }

    private final Path store;
    private final Map<Key, Digests> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Digests> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    public FileDigests(@Value("${modelcat.home}") String home) {
        this.store = Path.of(home, "hub", "digests");
    }

    /**
     * The digests of {@code file}.
     *
     * @param lfs         whether the Hub keeps it in LFS
     * @param knownSha256 its SHA-256 as recorded when it arrived, or {@code null}
     */
    public Digests of(Path file, boolean lfs, String knownSha256) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Key key = new Key(file.toAbsolutePath().normalize(), attributes.size(), attributes.lastModifiedTime().toMillis(), lfs);
            synchronized (cache) {
                Digests known = cache.get(key);
                if (known != null) {
                    return known;
                }
            }
            Digests digests = stored(key);
            if (digests == null) {
                if (lfs && knownSha256 != null && HEX64.matcher(knownSha256).matches()) {
                    digests = lfsDigests(knownSha256, key.size());
                } else {
                    digests = compute(file, key.size(), lfs);
                }
                store(key, digests);
            }
            synchronized (cache) {
                cache.put(key, digests);
            }
            return digests;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The git LFS pointer of a file, whose git blob id the Hub lists for LFS files. */
    static String lfsPointer(String sha256, long size) {
        return "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha256 + "\nsize " + size + "\n";
    }

    private static Digests lfsDigests(String sha256, long size) {
        byte[] pointer = lfsPointer(sha256, size).getBytes(StandardCharsets.US_ASCII);
        MessageDigest blob = digest("SHA-1");
        blob.update(("blob " + pointer.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return new Digests(sha256, HexFormat.of().formatHex(blob.digest(pointer)), pointer.length);
    }

    private static Digests compute(Path file, long size, boolean lfs) throws IOException {
        MessageDigest sha256 = digest("SHA-256");
        MessageDigest blob = lfs ? null : digest("SHA-1");
        if (blob != null) {
            blob.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha256.update(buffer, 0, n);
                if (blob != null) {
                    blob.update(buffer, 0, n);
                }
            }
        }
        String hash = HexFormat.of().formatHex(sha256.digest());
        return lfs ? lfsDigests(hash, size) : new Digests(hash, HexFormat.of().formatHex(blob.digest()), 0);
    }

    /** What an earlier computation left on disk for exactly this file, or null. */
    private Digests stored(Key key) {
        Path entry = store.resolve(entryName(key));
        try {
            if (!Files.isRegularFile(entry)) {
                return null;
            }
            String[] parts = Files.readString(entry, StandardCharsets.US_ASCII).strip().split(" ");
            if (parts.length == 3 && HEX64.matcher(parts[0]).matches() && HEX40.matcher(parts[1]).matches()) {
                return new Digests(parts[0], parts[1], Integer.parseInt(parts[2]));
            }
            return null;
        } catch (IOException | NumberFormatException e) {
            return null; // a damaged entry is computed again
        }
    }

    private void store(Key key, Digests digests) {
        try {
            Files.createDirectories(store);
            Path temporary = store.resolve(".tmp-" + UUID.randomUUID());
            Files.writeString(temporary, digests.sha256() + " " + digests.blobId() + " " + digests.pointerSize() + "\n",
                    StandardCharsets.US_ASCII);
            Files.move(temporary, store.resolve(entryName(key)), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // Only a cache: the digests are computed again next time.
        }
    }

    private static String entryName(Key key) {
        String identity = key.file() + "\0" + key.size() + "\0" + key.modified() + "\0" + key.lfs();
        return HexFormat.of().formatHex(digest("SHA-1").digest(identity.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
