package io.modelcat.catalog.dataset;

import io.modelcat.catalog.access.Caller;
import io.modelcat.catalog.audit.AuditLog;
import io.modelcat.catalog.problem.ConflictException;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.NotFoundException;
import io.modelcat.datasets.BadRow;
import io.modelcat.datasets.Column;
import io.modelcat.datasets.ColumnMapping;
import io.modelcat.datasets.DatasetFormat;
import io.modelcat.datasets.DatasetFormatException;
import io.modelcat.datasets.DatasetProfile;
import io.modelcat.datasets.DatasetSniffer;
import io.modelcat.datasets.MappingError;
import io.modelcat.datasets.MappingException;
import io.modelcat.datasets.TaskSchema;
import io.modelcat.store.Cursor;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets: an upload is streamed to a temporary file, sniffed, then moved into place and recorded;
 * a rejected upload leaves neither a file nor a row. Mapping checks run against the recorded profile.
 */
@Singleton
public class DatasetService {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;
    /** The order of dataset lists, as their cursors name it: newest first. */
    private static final String LIST_ORDER = "-createdAt";
    private static final int MAX_NAME = 200;
    private static final Logger LOG = LoggerFactory.getLogger(DatasetService.class);

    private final DatasetRepository repository;
    private final DatasetSettings settings;
    private final AuditLog audit;

    public DatasetService(DatasetRepository repository, DatasetSettings settings, AuditLog audit) {
        this.repository = repository;
        this.settings = settings;
        this.audit = audit;
    }

    /**
     * Stores an uploaded dataset.
     *
     * @param format      the format's wire name, or null to take it from the media type or the name's extension
     * @param contentType the request's media type, possibly with a charset parameter; may be null
     * @param body        the file's bytes, read to the end (or to the size limit)
     */
    public Dataset upload(String name, String format, String contentType, InputStream body, Caller caller) {
        String cleanName = name == null ? "" : name.strip();
        List<FieldError> errors = new ArrayList<>();
        if (cleanName.isEmpty()) {
            errors.add(new FieldError("name", "is required: name the dataset with ?name=..."));
        } else if (cleanName.length() > MAX_NAME) {
            errors.add(new FieldError("name", "must be at most " + MAX_NAME + " characters"));
        }
        DatasetFormat resolved = resolveFormat(format, contentType, cleanName, errors);
        String charset = charsetOf(contentType);
        if (charset != null && !charset.equals("utf-8") && !charset.equals("utf8") && !charset.equals("us-ascii")) {
            errors.add(new FieldError("Content-Type", "names charset " + charset + "; datasets must be UTF-8"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        try {
            Dataset dataset = store(cleanName, resolved, body, caller);
            audit.record(caller.did("dataset.upload", "dataset", dataset.id(), Map.of("name", dataset.name(),
                    "rows", dataset.rowCount(), "sizeBytes", dataset.sizeBytes(), "sha256", dataset.sha256())));
            return dataset;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the uploaded dataset: " + e.getMessage(), e);
        }
    }

    private Dataset store(String name, DatasetFormat format, InputStream body, Caller caller) throws IOException {
        Path incoming = settings.directory().resolve(".incoming");
        Files.createDirectories(incoming);
        Path temp = Files.createTempFile(incoming, "upload-", ".part");
        try {
            Copied copied = copy(body, temp);
            if (copied.sizeBytes() == 0) {
                throw new InvalidFieldException("body", "the file is empty");
            }
            DatasetProfile profile;
            try {
                profile = new DatasetSniffer(settings.maxRecordSize(), settings.maxRows()).sniff(temp, format);
            } catch (DatasetFormatException e) {
                throw new InvalidFieldException("body", "cannot be read as " + format.wireName() + ": " + e.getMessage());
            }
            if (profile.badRowCount() > settings.maxBadRows()) {
                throw badRows(profile, format);
            }
            UUID id = UUID.randomUUID();
            String storagePath = id + "." + format.extension();
            Path target = settings.directory().resolve(storagePath);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            try {
                return repository.insert(id, name,
                        new DatasetRepository.StoredFile(storagePath, copied.sizeBytes(), copied.sha256()), profile,
                        caller.userId());
            } catch (RuntimeException e) {
                Files.deleteIfExists(target);
                throw e;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private record Copied(long sizeBytes, String sha256) {
    }

    /** Copies the body to the file, hashing it and stopping at the size limit. */
    private Copied copy(InputStream body, Path file) throws IOException {
        MessageDigest sha256 = sha256();
        long size = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                size += n;
                if (size > settings.maxSize()) {
                    throw new DatasetTooLargeException(settings.maxSize());
                }
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        }
        return new Copied(size, HexFormat.of().formatHex(sha256.digest()));
    }

    private InvalidFieldException badRows(DatasetProfile profile, DatasetFormat format) {
        List<FieldError> errors = new ArrayList<>();
        String summary = profile.badRowCount() + " of " + (profile.rowCount() + profile.badRowCount())
                + " records cannot be read as " + format.wireName() + " (at most " + settings.maxBadRows()
                + " allowed, modelcat.datasets.max-bad-rows)";
        errors.add(new FieldError("body", summary));
        for (BadRow bad : profile.badRows()) {
            errors.add(new FieldError("body", "line " + bad.line() + ": " + bad.reason()));
        }
        return new InvalidFieldException(errors);
    }

    public Dataset get(UUID id) {
        return repository.find(id).orElseThrow(() -> notFound(id));
    }

    public DatasetPreview preview(UUID id) {
        DatasetProfile profile = repository.profile(id).orElseThrow(() -> notFound(id));
        return new DatasetPreview(id, profile.columns().stream().map(Column::name).toList(), profile.preview());
    }

    public DatasetPage list(Integer limit, String cursor) {
        int pageSize = limit == null ? DEFAULT_LIMIT : limit;
        List<FieldError> errors = new ArrayList<>();
        if (pageSize < 1 || pageSize > MAX_LIMIT) {
            errors.add(new FieldError("limit", "must be between 1 and " + MAX_LIMIT + ", got " + pageSize));
        }
        DatasetRepository.After after = null;
        if (cursor != null && !cursor.isBlank()) {
            after = Cursor.decode(cursor).filter(c -> c.isFor(LIST_ORDER)).flatMap(DatasetService::after).orElse(null);
            if (after == null) {
                errors.add(new FieldError("cursor", "is not a cursor this API returned"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
        List<Dataset> rows = repository.list(pageSize + 1, after);
        if (rows.size() <= pageSize) {
            return new DatasetPage(rows, null);
        }
        List<Dataset> page = rows.subList(0, pageSize);
        Dataset last = page.get(pageSize - 1);
        return new DatasetPage(List.copyOf(page), Cursor.of(LIST_ORDER, last.createdAt(), last.id()).encode());
    }

    /**
     * Deletes the dataset and its file; refused (409) while a queued or running job reads it, and
     * (403) unless the caller uploaded it or is an admin.
     */
    public void delete(UUID id, Caller caller) {
        Dataset dataset = get(id);
        caller.requireOwnerOrAdmin(dataset.createdBy() == null ? null : dataset.createdBy().id(), "dataset " + id);
        DatasetRepository.Deletion deletion = repository.deleteUnlessInUse(id);
        switch (deletion.outcome()) {
            case NOT_FOUND -> throw notFound(id);
            case IN_USE -> throw new ConflictException("dataset " + id + " is used by job " + deletion.usedByJob()
                    + ", which is queued or running; cancel the job or wait for it to finish");
            case DELETED -> audit.record(caller.did("dataset.delete", "dataset", id, Map.of("name", dataset.name())));
        }
        String storagePath = deletion.storagePath();
        try {
            Files.deleteIfExists(settings.directory().resolve(storagePath));
        } catch (IOException e) {
            LOG.warn("dataset {} was deleted but its file {} could not be: {}", id, storagePath, e.toString());
        }
    }

    /**
     * Checks a column mapping for a task against a dataset.
     *
     * @throws InvalidFieldException naming {@code task}, or {@code mapping.<input>} with the column and the
     *                               dataset's columns
     */
    public MappingCheck.Result checkMapping(UUID id, MappingCheck.Request request) {
        DatasetProfile profile = repository.profile(id).orElseThrow(() -> notFound(id));
        TaskSchema schema = TaskSchema.forTask(request.task()).orElseThrow(() -> new InvalidFieldException("task",
                "unknown task '" + request.task() + "'; expected one of " + String.join(", ", TaskSchema.tasks())));
        try {
            ColumnMapping mapping = ColumnMapping.resolve(schema, request.mapping(), profile);
            return new MappingCheck.Result(id, schema.task(), mapping.columns());
        } catch (MappingException e) {
            List<FieldError> errors = new ArrayList<>();
            for (MappingError error : e.errors()) {
                errors.add(new FieldError("mapping." + error.input(), error.message()));
            }
            throw new InvalidFieldException(errors);
        }
    }

    private static DatasetFormat resolveFormat(String format, String contentType, String name, List<FieldError> errors) {
        if (format != null && !format.isBlank()) {
            DatasetFormat f = DatasetFormat.fromWireName(format).orElse(null);
            if (f == null) {
                errors.add(new FieldError("format", "unknown format '" + format + "'; expected one of "
                        + String.join(", ", DatasetFormat.wireNames())));
            }
            return f;
        }
        DatasetFormat f = DatasetFormat.fromMediaType(contentType).or(() -> DatasetFormat.fromFileName(name)).orElse(null);
        if (f == null) {
            errors.add(new FieldError("format", "cannot tell the format from Content-Type '" + contentType
                    + "' or the name; give ?format= one of " + String.join(", ", DatasetFormat.wireNames())));
        }
        return f;
    }

    private static String charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String part : contentType.split(";")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=")) {
                return p.substring("charset=".length()).replace("\"", "").strip();
            }
        }
        return null;
    }

    /** Where a list cursor continues: after the dataset of that upload time and id. */
    private static Optional<DatasetRepository.After> after(Cursor cursor) {
        return cursor.instantKey().flatMap(createdAt -> cursor.uuid().map(id -> new DatasetRepository.After(createdAt, id)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static NotFoundException notFound(UUID id) {
        return new NotFoundException("no dataset has id " + id);
    }
}
