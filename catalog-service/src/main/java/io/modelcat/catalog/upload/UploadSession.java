package io.modelcat.catalog.upload;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.UUID;

/**
 * A chunked, resumable upload of a model archive: how many bytes it has of the size declared.
 *
 * @param format zip, tar.gz or tar when the session was started with one; absent: told from the archive's first bytes
 * @param offset the bytes received so far: the offset of the next chunk
 */
@Serdeable
public record UploadSession(UUID id, String name, @Nullable String format, long size, long offset, Instant createdAt) {
}
