package io.modelcat.catalog.transfer;

import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.problem.FieldError;
import io.modelcat.catalog.problem.InvalidFieldException;
import io.modelcat.catalog.problem.PayloadTooLargeException;
import io.modelcat.catalog.upload.UploadSettings;
import io.modelcat.hub.HubPaths;
import io.modelcat.jobs.task.Task;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * The checks of a catalog archive before an import changes anything: the manifest's format, every card and version
 * as the catalog would accept it, every file listed present (and nothing else), within the uploads' limits. Every
 * error names the manifest's path to the value, under the field {@code file} (the archive).
 */
final class CatalogManifestCheck {

    private static final int MAX_ERRORS = 20;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> SOURCE_TYPES = Set.of("manual", "huggingface", "finetuned", "upload");

    private final List<FieldError> errors = new ArrayList<>();

    private CatalogManifestCheck() {
    }

    /** The manifest with absent lists and maps made empty; throws naming everything wrong with it. */
    static CatalogManifest checked(CatalogManifest manifest, ZipFile zip, UploadSettings settings) {
        return new CatalogManifestCheck().check(manifest, zip, settings);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private CatalogManifest check(CatalogManifest m, ZipFile zip, UploadSettings settings) {
        if (!CatalogManifest.FORMAT.equals(m.format())) {
            fail("format", "is '" + m.format() + "', expected '" + CatalogManifest.FORMAT + "'");
        } else if (m.formatVersion() != CatalogManifest.FORMAT_VERSION) {
            fail("formatVersion", "is " + m.formatVersion() + "; this ModelCat reads version "
                    + CatalogManifest.FORMAT_VERSION + " (an archive of a newer ModelCat: upgrade this site first)");
        }
        if (m.exportedAt() == null) {
            fail("exportedAt", "is required");
        }
        if (m.models() == null || m.models().isEmpty()) {
            fail("models", "lists no models");
        }
        done();
        Set<UUID> modelIds = new HashSet<>();
        Set<UUID> versionIds = new HashSet<>();
        Set<String> listed = new HashSet<>();
        long bytes = 0;
        List<CatalogManifest.Model> models = new ArrayList<>();
        for (int i = 0; i < m.models().size(); i++) {
            CatalogManifest.Model model = m.models().get(i);
            String at = "models[" + i + "]";
            if (model == null) {
                fail(at, "is null");
                continue;
            }
            if (model.id() == null) {
                fail(at + ".id", "is required");
            } else if (!modelIds.add(model.id())) {
                fail(at + ".id", model.id() + " is listed twice");
            }
            text(at + ".name", model.name(), 200, true);
            text(at + ".publisher", model.publisher(), 200, false);
            text(at + ".license", model.license(), 100, true);
            text(at + ".library", model.library(), 100, false);
            text(at + ".architecture", model.architecture(), 100, false);
            task(at + ".task", model.task());
            List<String> finetuning = orEmpty(model.finetuningTasks());
            for (int t = 0; t < finetuning.size(); t++) {
                task(at + ".finetuningTasks[" + t + "]", finetuning.get(t));
            }
            ModelCard.Source source = model.source();
            if (source == null || !SOURCE_TYPES.contains(source.type())) {
                fail(at + ".source.type", "must be one of " + String.join(", ", new java.util.TreeSet<>(SOURCE_TYPES)));
            } else {
                text(at + ".source.repo", source.repo(), 200, false);
                text(at + ".source.revision", source.revision(), 200, false);
            }
            List<CatalogManifest.Version> versions = new ArrayList<>();
            List<CatalogManifest.Version> given = orEmpty(model.versions());
            for (int j = 0; j < given.size(); j++) {
                CatalogManifest.Version version = given.get(j);
                String vat = at + ".versions[" + j + "]";
                if (version == null || version.id() == null) {
                    fail(vat + ".id", "is required");
                    continue;
                }
                if (!versionIds.add(version.id())) {
                    fail(vat + ".id", version.id() + " is listed twice");
                }
                if (version.versionNumber() < 1) {
                    fail(vat + ".versionNumber", "must be 1 or more");
                }
                text(vat + ".sourceRevision", version.sourceRevision(), 200, false);
                List<CatalogManifest.File> files = orEmpty(version.files());
                Set<String> names = new HashSet<>();
                for (int k = 0; k < files.size(); k++) {
                    CatalogManifest.File file = files.get(k);
                    String fat = vat + ".files[" + k + "]";
                    if (file == null || file.name() == null || !safeName(file.name())) {
                        fail(fat + ".name", "must be a relative path inside the version's folder");
                        continue;
                    }
                    if (!names.add(file.name())) {
                        fail(fat + ".name", "'" + file.name() + "' is listed twice");
                    }
                    if (file.size() < 0) {
                        fail(fat + ".size", "must be 0 or more");
                    }
                    if (file.sha256() == null || !SHA256.matcher(file.sha256()).matches()) {
                        fail(fat + ".sha256", "must be 64 lower-case hex digits");
                    }
                    String entry = CatalogManifest.entryName(version.id(), file.name());
                    listed.add(entry);
                    if (zip.getEntry(entry) == null) {
                        fail(fat, "the archive has no " + entry);
                    }
                    bytes += Math.max(0, file.size());
                }
                versions.add(new CatalogManifest.Version(version.id(), version.versionNumber(), version.sourceRevision(),
                        version.parentVersionId(), version.lineage() == null ? Map.of() : version.lineage(),
                        version.notes(), version.createdAt() == null ? m.exportedAt() : version.createdAt(),
                        orEmpty(version.metrics()), files));
            }
            models.add(new CatalogManifest.Model(model.id(), model.name(), model.publisher(), model.description(),
                    model.task(), finetuning.stream().distinct().toList(), model.license(),
                    orEmpty(model.tags()).stream().distinct().toList(), model.library(), model.architecture(),
                    orEmpty(model.samples()), source, versions));
        }
        Set<String> seen = new HashSet<>();
        for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
            if (entry.isDirectory()) {
                continue;
            }
            if (!seen.add(entry.getName())) {
                fail("archive", "holds '" + abbreviate(entry.getName()) + "' twice");
            } else if (!entry.getName().equals(CatalogManifest.ENTRY) && !listed.contains(entry.getName())) {
                fail("archive", "holds '" + abbreviate(entry.getName()) + "', which the manifest does not list");
            }
        }
        done();
        if (bytes > settings.maxUnpackedSize()) {
            throw new PayloadTooLargeException("the archive's files come to " + bytes + " bytes, more than "
                    + settings.maxUnpackedSize() + " bytes (modelcat.uploads.max-unpacked-size)");
        }
        return new CatalogManifest(m.format(), m.formatVersion(), m.exportedAt(),
                m.exportedBy() == null ? "someone" : m.exportedBy(), models);
    }

    private void text(String at, String value, int max, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                fail(at, "is required");
            }
        } else if (value.length() > max) {
            fail(at, "is longer than " + max + " characters");
        }
    }

    private void task(String at, String task) {
        if (task == null || Task.fromWireName(task).isEmpty()) {
            fail(at, "unknown task '" + task + "'; expected one of " + String.join(", ", Task.wireNames()));
        }
    }

    private static boolean safeName(String name) {
        try {
            HubPaths.resolveInside(Path.of("/version"), name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void fail(String at, String message) {
        if (errors.size() < MAX_ERRORS) {
            String where = at.equals("archive") ? "the archive " : CatalogManifest.ENTRY + " " + at + ": ";
            errors.add(new FieldError("file", where + message));
        }
    }

    /** Throws what was found so far. */
    private void done() {
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(errors);
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }
}
