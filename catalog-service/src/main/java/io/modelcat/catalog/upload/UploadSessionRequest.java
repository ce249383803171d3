package io.modelcat.catalog.upload;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** Start a chunked upload of a model archive of {@code size} bytes, to be known as {@code name}. */
@Serdeable
@Schema(name = "UploadSessionRequest")
public record UploadSessionRequest(
        @NotBlank @Size(max = 200) @Schema(description = "the repository id, owner/name", example = "my-team/tiny-sentiment") String name,
        @Nullable @Size(max = 10) @Schema(description = "zip, tar.gz or tar; by default told from the archive's first bytes") String format,
        @NotNull @Min(1) @Schema(description = "the archive's size in bytes") Long size) {
}
