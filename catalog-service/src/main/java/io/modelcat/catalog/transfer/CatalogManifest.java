package io.modelcat.catalog.transfer;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.model.ModelCard;
import io.modelcat.catalog.model.ModelSample;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code manifest.json} of a catalog archive: the cards, versions (with lineage and the figures measured on them)
 * and files it carries, each file with its size and SHA-256. A version's files sit in the archive under
 * {@code files/<version id>/}. Ids are the exporting site's; an import keeps them.
 *
 * @param format        always {@link #FORMAT}
 * @param formatVersion the layout's version, {@link #FORMAT_VERSION}
 */
@Serdeable
public record CatalogManifest(String format, int formatVersion, Instant exportedAt, String exportedBy,
                              List<Model> models) {

    public static final String FORMAT = "modelcat-catalog";
    public static final int FORMAT_VERSION = 1;
    /** The manifest's name in the archive. */
    public static final String ENTRY = "manifest.json";
    /** The folder of the archive that holds versions' files. */
    public static final String FILES = "files/";

    /** A model card as it was on the exporting site. */
    @Serdeable
    public record Model(UUID id, String name, @Nullable String publisher, @Nullable String description, String task,
                        List<String> finetuningTasks, String license, List<String> tags, @Nullable String library,
                        @Nullable String architecture, List<ModelSample> samples, ModelCard.Source source,
                        List<Version> versions) {
    }

    /**
     * A version; {@code parentVersionId} may name a version that is neither in the archive nor on the importing site,
     * in which case the import keeps it in the lineage only.
     */
    @Serdeable
    public record Version(UUID id, int versionNumber, @Nullable String sourceRevision, @Nullable UUID parentVersionId,
                          Map<String, Object> lineage, @Nullable String notes, Instant createdAt,
                          List<Metric> metrics, List<File> files) {
    }

    /** A final test figure measured on the version by a job of the exporting site. */
    @Serdeable
    public record Metric(String name, double value, String task, @Nullable String dataset, UUID jobId,
                         Instant recordedAt) {
    }

    /** One of a version's files, its name relative to the version's folder. */
    @Serdeable
    public record File(String name, long size, String sha256) {
    }

    /** Where a version's file sits in the archive. */
    public static String entryName(UUID versionId, String fileName) {
        return FILES + versionId + "/" + fileName;
    }
}
