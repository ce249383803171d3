package io.modelcat.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A {@code README.md} model card: its YAML front matter (the Hub's card metadata: {@code license},
 * {@code pipeline_tag}, {@code base_model}, {@code datasets}, {@code tags}, ...) and the Markdown after it.
 *
 * @param metadata the front matter's top-level keys; empty without front matter
 * @param body     the Markdown without its front matter, stripped
 */
public record ModelCardText(Map<String, Object> metadata, String body) {

    private static final int MAX_FRONT_MATTER_CHARS = 256 * 1024;

    public ModelCardText {
        metadata = Map.copyOf(metadata);
    }

    /**
     * Splits a model card into its front matter and body.
     *
     * @throws IllegalArgumentException when the front matter is not a YAML mapping, saying why
     */
    public static ModelCardText parse(String readme) {
        String text = readme.startsWith("\uFEFF") ? readme.substring(1) : readme;
        if (!text.startsWith("---")) {
            return new ModelCardText(Map.of(), text.strip());
        }
        int end = text.indexOf("\n---", 3);
        if (end < 0) {
            return new ModelCardText(Map.of(), text.strip());
        }
        String yaml = text.substring(text.indexOf('\n') + 1, end + 1);
        int bodyStart = text.indexOf('\n', end + 1);
        String body = bodyStart < 0 ? "" : text.substring(bodyStart + 1);
        if (yaml.length() > MAX_FRONT_MATTER_CHARS) {
            throw new IllegalArgumentException("its YAML front matter is longer than " + MAX_FRONT_MATTER_CHARS + " characters");
        }
        Object parsed;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(20);
            parsed = new Yaml(new SafeConstructor(options)).load(yaml);
        } catch (YAMLException e) {
            throw new IllegalArgumentException("its YAML front matter cannot be read: " + firstLine(e.getMessage()), e);
        }
        if (parsed == null) {
            return new ModelCardText(Map.of(), body.strip());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("its YAML front matter must be a mapping of keys such as license and tags");
        }
        Map<String, Object> metadata = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (k != null && v != null) {
                metadata.put(k.toString(), v);
            }
        });
        return new ModelCardText(metadata, body.strip());
    }

    /** Only the body, for a card whose metadata the caller does not need; a malformed front matter is dropped. */
    public static String bodyOf(String readme) {
        try {
            return parse(readme).body();
        } catch (IllegalArgumentException e) {
            int end = readme.indexOf("\n---", 3);
            return end < 0 ? readme.strip() : readme.substring(Math.max(0, readme.indexOf('\n', end + 1) + 1)).strip();
        }
    }

    public Optional<String> license() {
        return text("license");
    }

    public Optional<String> pipelineTag() {
        return text("pipeline_tag");
    }

    public Optional<String> libraryName() {
        return text("library_name");
    }

    /** {@code base_model}, a name or a list of names. */
    public List<String> baseModels() {
        return texts("base_model");
    }

    public List<String> datasets() {
        return texts("datasets");
    }

    public List<String> tags() {
        return texts("tags");
    }

    private Optional<String> text(String key) {
        Object value = metadata.get(key);
        return value instanceof String || value instanceof Number || value instanceof Boolean
                ? Optional.of(value.toString().strip()).filter(s -> !s.isEmpty()) : Optional.empty();
    }

    private List<String> texts(String key) {
        Object value = metadata.get(key);
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof String || item instanceof Number) {
                    String s = item.toString().strip();
                    if (!s.isEmpty()) {
                        out.add(s);
                    }
                }
            }
        } else {
            text(key).ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed YAML";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
