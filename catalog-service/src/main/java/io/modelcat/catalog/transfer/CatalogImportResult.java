package io.modelcat.catalog.transfer;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.UUID;

/**
 * What a catalog import did: per model of the archive, whether its card was made here, and per version whether it was
 * added (with the number it got here) or was here already. Importing the same archive again adds nothing.
 *
 * @param bytes the bytes of files written
 */
@Serdeable
public record CatalogImportResult(int modelsCreated, int versionsCreated, int versionsUnchanged, long bytes,
                                  List<Model> models) {

    /** A model of the archive and the card it went to here (the archive's own, or one already here for its source). */
    @Serdeable
    public record Model(UUID id, String name, boolean created, List<Version> versions) {
    }

    /** A version of the archive: its number here, the number it had where it came from, and whether it was added. */
    @Serdeable
    public record Version(UUID id, int versionNumber, int sourceVersionNumber, boolean created) {
    }
}
