package io.modelcat.catalog.dataset;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.modelcat.catalog.access.UserRef;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An uploaded dataset as the catalog shows it: the file's facts and what sniffing found in it. */
@Serdeable
@Schema(name = "Dataset")
public record Dataset(
        UUID id,
        String name,
        @Schema(description = "jsonl, json, csv or tsv") String format,
        long sizeBytes,
        @Schema(description = "SHA-256 of the file, hex") String sha256,
        @Schema(description = "rows read") long rowCount,
        @Schema(description = "records that could not be read (accepted up to modelcat.datasets.max-bad-rows)") long badRowCount,
        @Schema(description = "the first bad records, with their line and reason") List<BadRecord> badRows,
        List<DatasetColumn> columns,
        Instant createdAt,
        @Nullable @Schema(description = "who uploaded it; absent for datasets from before accounts existed")
        UserRef createdBy) {

    /** A column: its name, its type (string, integer, number, boolean, list<string>, list<integer>, list, object, mixed, null) and in how many rows it has no value. */
    @Serdeable
    @Schema(name = "DatasetColumn")
    public record DatasetColumn(String name, String type, long missing) {
    }

    /** A record that could not be read. */
    @Serdeable
    @Schema(name = "DatasetBadRow")
    public record BadRecord(long line, String reason) {
    }
}
