package io.modelcat.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file's download: streams to a temp file beside the target, resumes with {@code Range} after a broken
 * connection, checks size and SHA-256, then renames into place. Never holds the file in memory: the calling thread
 * reads and writes through a few buffers that a {@link BackgroundSha256} hashes on another thread.
 */
final class FileDownload {

    private static final Logger LOG = LoggerFactory.getLogger(FileDownload.class);
    private static final int BUFFER = 256 * 1024;
    /** Buffers between reading and hashing: 2 MiB per download, enough for the hasher to catch up after a hiccup. */
    private static final int BUFFERS = 8;
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final HubHttp http;
    private final HubHttp.Target target;
    private final URI uri;
    private final Path destination;
    private final DownloadProgress progress;
    private final Executor hashing;

    private String expectedSha256;
    private long expectedSize;
    private String commit;
    private long written;
    private BackgroundSha256 sha256;
    private long startedAtNanos;
    private long lastProgressNanos;

    /** {@code hashing} runs each download's SHA-256 loop on a thread other than the caller's. */
    FileDownload(HubHttp http, Executor hashing, ModelId id, String revision, RepoFile file, Path destination,
                 DownloadProgress progress) {
        this.http = http;
        this.target = new HubHttp.Target(id.withRevision(revision), file.rfilename());
        this.uri = http.uri(HubPaths.resolvePath(id, revision, file.rfilename()));
        this.destination = destination;
        this.progress = progress;
        this.hashing = hashing;
        this.expectedSha256 = file.sha256().map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
        this.expectedSize = file.knownSize().orElse(-1);
    }

    DownloadedFile run() {
        Path dir = destination.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + destination.getFileName() + "." + UUID.randomUUID() + ".part");
        boolean done = false;
        try (BackgroundSha256 hasher = new BackgroundSha256(hashing, BUFFERS, BUFFER)) {
            sha256 = hasher;
            Files.createDirectories(dir);
            String sha;
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                transferWithRetries(out);
                sha = HexFormat.of().formatHex(hasher.finish());
                verify(sha);
                out.force(true);
            }
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            return new DownloadedFile(destination, written, sha, expectedSha256 != null, commit);
        } catch (IOException e) {
            throw new HubException(HubException.Kind.STORAGE, "could not write " + destination + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw http.interrupted(target);
        } finally {
            if (!done) {
                deleteQuietly(temp);
            }
        }
    }

    private void transferWithRetries(FileChannel out) {
        startedAtNanos = System.nanoTime();
        lastProgressNanos = startedAtNanos - PROGRESS_INTERVAL_NANOS;
        for (int attempt = 1; ; attempt++) {
            try {
                transfer(out);
                return;
            } catch (IOException e) {
                HubException failure = http.networkError(target, e);
                if (attempt >= http.settings().maxAttempts()) {
                    throw new HubException(HubException.Kind.NETWORK, failure.getMessage() + " (gave up after " + attempt
                            + " attempts, " + written + " bytes received)", e);
                }
                LOG.debug("download of {} broke after {} bytes; resuming", target.filename(), written);
                http.pause(attempt, failure);
            } catch (HubException e) {
                if (!e.isTransient() || e.kind() == HubException.Kind.RATE_LIMITED || attempt >= http.settings().maxAttempts()) {
                    throw e;
                }
                http.pause(attempt, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw http.interrupted(target);
            }
        }
    }

    /** One request that completes the file on disk, or throws IOException when the transfer broke. */
    private void transfer(FileChannel out) throws IOException, InterruptedException {
        try (HubHttp.Answer answer = http.get(uri, written)) {
            noteHubHeaders(answer.hubHeaders());
            int status = answer.status();
            if (status == 416 && written > 0) {
                if (expectedSize >= 0 && written == expectedSize) {
                    return;
                }
                String refused = "the server refused to resume at byte " + written;
                restart(out);
                throw new IOException(refused);
            }
            if (status == 206) {
                Matcher m = CONTENT_RANGE.matcher(answer.headers().firstValue("Content-Range").orElse(""));
                if (!m.matches() || Long.parseLong(m.group(1)) != written) {
                    restart(out);
                    throw new IOException("the server answered a different range than requested");
                }
                if (!"*".equals(m.group(3))) {
                    expectedSize = expectedSize >= 0 ? expectedSize : Long.parseLong(m.group(3));
                }
            } else if (status == 200) {
                if (written > 0) {
                    LOG.debug("server ignored Range for {}; starting over", target.filename());
                    restart(out);
                }
                OptionalLong length = answer.headers().firstValueAsLong("Content-Length");
                if (expectedSize < 0 && length.isPresent()) {
                    expectedSize = length.getAsLong();
                }
            } else {
                throw http.error(answer, target);
            }
            copy(answer.body(), out);
        }
        if (expectedSize >= 0 && written < expectedSize) {
            throw new IOException("connection closed after " + written + " of " + expectedSize + " bytes");
        }
        report(true);
    }

    /**
     * Reads the body to its end into the file. A stall longer than the read timeout fails the read (HttpURLConnection's
     * own timeout), which resumes the download.
     */
    private void copy(InputStream body, FileChannel out) throws IOException, InterruptedException {
        while (true) {
            // HttpURLConnection does not notice interrupts: look between reads.
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            byte[] buffer = sha256.emptyBuffer();
            boolean handedOver = false;
            try {
                int n = body.read(buffer);
                if (n < 0) {
                    return;
                }
                write(out, buffer, n);
                // Only bytes that reached the file are hashed, so a resumed download hashes each byte exactly once.
                sha256.hash(buffer, n);
                handedOver = true;
            } finally {
                if (!handedOver) {
                    sha256.recycle(buffer);
                }
            }
            report(false);
        }
    }

    private void write(FileChannel out, byte[] buffer, int n) {
        if (expectedSize >= 0 && written + n > expectedSize) {
            throw new HubException(HubException.Kind.CHECKSUM_MISMATCH, HubHttp.describe(target)
                    + " is longer than the " + expectedSize + " bytes the Hub advertised; the download was discarded");
        }
        try {
            ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
            while (bb.hasRemaining()) {
                out.write(bb);
            }
        } catch (IOException e) {
            throw new HubException(HubException.Kind.STORAGE, "could not write " + destination + ": " + e.getMessage(), e);
        }
        written += n;
    }

    private void restart(FileChannel out) throws IOException {
        out.truncate(0);
        out.position(0);
        sha256.restart();
        written = 0;
    }

    private void noteHubHeaders(HttpHeaders headers) {
        if (commit == null) {
            commit = headers.firstValue("X-Repo-Commit").orElse(null);
        }
        if (expectedSha256 == null) {
            expectedSha256 = linkedSha256(headers).orElse(null);
        }
        if (expectedSize < 0) {
            expectedSize = headers.firstValueAsLong("X-Linked-Size").orElse(-1);
        }
    }

    /** For LFS files the Hub's {@code X-Linked-Etag} (or {@code ETag}) is the content's SHA-256, possibly quoted or weak. */
    static Optional<String> linkedSha256(HttpHeaders headers) {
        for (String name : new String[] {"X-Linked-Etag", "ETag"}) {
            Optional<String> v = headers.firstValue(name).map(FileDownload::unquoteEtag).filter(s -> SHA256.matcher(s).matches());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    private static String unquoteEtag(String etag) {
        String s = etag.strip();
        if (s.startsWith("W/")) {
            s = s.substring(2);
        }
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            s = s.substring(1, s.length() - 1);
        }
        return s.toLowerCase(Locale.ROOT);
    }

    private void verify(String actualSha256) {
        if (expectedSize >= 0 && written != expectedSize) {
            throw new HubException(HubException.Kind.CHECKSUM_MISMATCH, HubHttp.describe(target) + " is " + written
                    + " bytes but the Hub advertised " + expectedSize + "; the download was discarded");
        }
        if (expectedSha256 != null && !actualSha256.equals(expectedSha256)) {
            throw new HubException(HubException.Kind.CHECKSUM_MISMATCH, HubHttp.describe(target)
                    + " has SHA-256 " + actualSha256 + " but the Hub advertised " + expectedSha256
                    + "; the download was discarded");
        }
    }

    private void report(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastProgressNanos < PROGRESS_INTERVAL_NANOS) {
            return;
        }
        lastProgressNanos = now;
        double seconds = Math.max((now - startedAtNanos) / 1e9, 1e-6);
        progress.update(target.filename(), written, expectedSize, written / seconds);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("could not delete temporary file {}: {}", p, e.getMessage());
        }
    }
}
