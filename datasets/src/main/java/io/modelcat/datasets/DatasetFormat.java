package io.modelcat.datasets;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The file formats a dataset may come in, with their wire names, media types and file extensions. */
public enum DatasetFormat {
    JSONL("jsonl", List.of("application/jsonl", "application/x-ndjson", "application/x-jsonlines"), List.of("jsonl", "ndjson")),
    JSON("json", List.of("application/json"), List.of("json")),
    CSV("csv", List.of("text/csv"), List.of("csv")),
    TSV("tsv", List.of("text/tab-separated-values"), List.of("tsv", "tab"));

    private final String wireName;
    private final List<String> mediaTypes;
    private final List<String> extensions;

    DatasetFormat(String wireName, List<String> mediaTypes, List<String> extensions) {
        this.wireName = wireName;
        this.mediaTypes = mediaTypes;
        this.extensions = extensions;
    }

    public String wireName() {
        return wireName;
    }

    /** The extension files of this format are stored with. */
    public String extension() {
        return extensions.get(0);
    }

    public static Optional<DatasetFormat> fromWireName(String name) {
        return Arrays.stream(values()).filter(f -> f.wireName.equalsIgnoreCase(name == null ? "" : name.strip())).findFirst();
    }

    /** The format a media type names, parameters such as {@code charset} ignored. */
    public static Optional<DatasetFormat> fromMediaType(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        String type = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.mediaTypes.contains(type)).findFirst();
    }

    /** The format a file name's extension names. */
    public static Optional<DatasetFormat> fromFileName(String fileName) {
        if (fileName == null || fileName.lastIndexOf('.') < 0) {
            return Optional.empty();
        }
        String ext = fileName.substring(fileName.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.extensions.contains(ext)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(DatasetFormat::wireName).toList();
    }
}
