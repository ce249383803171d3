package io.modelcat.catalog.mljob;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Where a job finds a dataset: its storage path relative to the datasets folder, and its format. */
public record DatasetFile(UUID id, String name, String storagePath, String format) {

    /** The dataset as job params carry it: {@code {"id", "storagePath", "format"}}. */
    public Map<String, Object> toParams() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("id", id.toString());
        params.put("storagePath", storagePath);
        params.put("format", format);
        return params;
    }
}
