package io.modelcat.catalog.upload;

import io.micronaut.json.JsonMapper;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.catalog.problem.PayloadTooLargeException;
import io.modelcat.hub.ModelId;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Chunked, resumable uploads of large model archives: a session declares the name and the archive's size, chunks are
 * appended at the offset the session has reached (a broken chunk keeps what arrived, and the client asks for the
 * offset and goes on), and the finished archive is committed as a one-request upload is
 * ({@link ModelUploadService}). Sessions are folders under {@link UploadSettings#sessions()}; only their creator or an
 * admin may touch them; sessions left longer than {@link UploadSettings#sessionTtl()} are removed.
 */
@Singleton
public class UploadSessions {

    private static final String ARCHIVE = "archive";
    private static final String META = "session.json";
    private static final int BUFFER = 1 << 16;

    /** What a session's folder records about it. */
    @Serdeable
    record Meta(String name, String format, long size, UUID ownerId, Instant createdAt) {
    }

    private final UploadSettings settings;
    private final ModelUploadService uploads;
    private final JsonMapper json;

    public UploadSessions(UploadSettings settings, ModelUploadService uploads, JsonMapper json) {
        this.settings = settings;
        this.uploads = uploads;
        this.json = json;
    }

    /** Starts a session for an archive of {@code size} bytes to be uploaded as {@code name}. */
    public UploadSession create(String name, String format, Long size, Caller caller) {
        ModelUploadService.repoId(name);
        if (format != null && !format.isBlank()) {
            ArchiveFormat.named(format);
        }
        if (size == null) {
            throw new InvalidFieldException("size", "is required: the archive's size in bytes");
        }
        if (size < 1) {
            throw new InvalidFieldException("size", "must be at least 1 byte");
        }
        if (size > settings.maxUnpackedSize()) {
            throw new PayloadTooLargeException("an archive of " + size + " bytes is larger than "
                    + settings.maxUnpackedSize() + " bytes (modelcat.uploads.max-unpacked-size)");
        }
        removeStale();
        UUID id = UUID.randomUUID();
        Path folder = settings.sessions().resolve(id.toString());
        Meta meta = new Meta(name.strip(), format == null || format.isBlank() ? null : format.strip(), size,
                caller.userId(), Instant.now());
        try {
            Files.createDirectories(folder);
            Files.createFile(folder.resolve(ARCHIVE));
            Files.write(folder.resolve(META), json.writeValueAsBytes(meta));
        } catch (IOException e) {
            ModelUploadService.deleteTree(folder);
            throw new UncheckedIOException("the upload session could not be stored: " + e.getMessage(), e);
        }
        return view(id, meta, 0);
    }

    /** The session and its offset, for a client resuming it. */
    public UploadSession get(UUID id, Caller caller) {
        Meta meta = meta(id, caller);
        return view(id, meta, archiveSize(id));
    }

    /**
     * Appends a chunk at {@code offset}, which must be the bytes the session has; answers the new offset. When the
     * chunk breaks off, what arrived is kept.
     */
    public UploadSession append(UUID id, Long offset, InputStream chunk, Caller caller) {
        Meta meta = meta(id, caller);
        if (offset == null) {
            throw new InvalidFieldException("offset", "is required: the offset of this chunk in the archive, "
                    + "the session's offset (GET the session to read it)");
        }
        Path archive = folder(id).resolve(ARCHIVE);
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.WRITE); FileLock lock = lock(channel, id)) {
            long have = channel.size();
            if (offset != have) {
                throw new InvalidFieldException("offset", "is " + offset + ", but the session has " + have
                        + " bytes: send the chunk that starts at " + have);
            }
            channel.position(have);
            long written = 0;
            byte[] buffer = new byte[BUFFER];
            OutputStream out = Channels.newOutputStream(channel);
            int n;
            while ((n = chunk.read(buffer)) > 0) {
                if (have + written + n > meta.size()) {
                    channel.truncate(have);
                    throw new InvalidFieldException("offset", "the chunk goes past the " + meta.size()
                            + " bytes the session declared");
                }
                out.write(buffer, 0, n);
                written += n;
            }
            channel.force(false);
            return view(id, meta, have + written);
        } catch (IOException e) {
            // A chunk that broke off keeps what arrived: the client reads the offset and resumes.
            throw new UncheckedIOException("the chunk broke off: " + e.getMessage(), e);
        }
    }

    /** Registers the finished archive as a one-request upload does; the session is gone afterwards, whatever happened. */
    public UploadedModel commit(UUID id, Caller caller) {
        Meta meta = meta(id, caller);
        Path folder = folder(id);
        Path archive = folder.resolve(ARCHIVE);
        try (FileChannel channel = FileChannel.open(archive, StandardOpenOption.WRITE); FileLock lock = lock(channel, id)) {
            long have = channel.size();
            if (have != meta.size()) {
                throw new ConflictException("upload session " + id + " has " + have + " of its " + meta.size()
                        + " bytes; send the rest before committing it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelId repo = ModelUploadService.repoId(meta.name());
        try {
            return uploads.fromArchive(repo, meta.format() == null ? null : ArchiveFormat.named(meta.format()),
                    archive, folder, caller);
        } catch (IOException e) {
            throw new UncheckedIOException("the upload could not be stored: " + e.getMessage(), e);
        } finally {
            ModelUploadService.deleteTree(folder);
        }
    }

    /** Cancels a session, removing what it received. */
    public void cancel(UUID id, Caller caller) {
        meta(id, caller);
        ModelUploadService.deleteTree(folder(id));
    }

    private static FileLock lock(FileChannel channel, UUID id) throws IOException {
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
        } catch (OverlappingFileLockException e) {
            // held by another request of this server
        }
        throw new ConflictException("upload session " + id + " is busy with another request; retry when it ends");
    }

    private Meta meta(UUID id, Caller caller) {
        Path file = folder(id).resolve(META);
        Meta meta;
        try {
            meta = json.readValue(Files.readAllBytes(file), Meta.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new NotFoundException("no upload session has id " + id + " (committed, cancelled or expired)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        caller.requireOwnerOrAdmin(meta.ownerId(), "upload session " + id);
        return meta;
    }

    private long archiveSize(UUID id) {
        try {
            return Files.size(folder(id).resolve(ARCHIVE));
        } catch (IOException e) {
            throw new NotFoundException("no upload session has id " + id + " (committed, cancelled or expired)");
        }
    }

    private Path folder(UUID id) {
        return settings.sessions().resolve(id.toString());
    }

    /** Removes sessions whose archive has not grown for longer than the sessions' time to live. */
    private void removeStale() {
        Path root = settings.sessions();
        if (!Files.isDirectory(root)) {
            return;
        }
        Instant before = Instant.now().minus(settings.sessionTtl());
        try (Stream<Path> folders = Files.list(root)) {
            for (Path folder : folders.toList()) {
                Path archive = folder.resolve(ARCHIVE);
                Path touched = Files.exists(archive) ? archive : folder;
                if (Files.getLastModifiedTime(touched).toInstant().isBefore(before)) {
                    ModelUploadService.deleteTree(folder);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // A sweep that fails is tried again with the next session.
        }
    }

    private static UploadSession view(UUID id, Meta meta, long offset) {
        return new UploadSession(id, meta.name(), meta.format(), meta.size(), offset, meta.createdAt());
    }
}
