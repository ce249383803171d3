package io.modelcat.ml.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A Hugging Face {@code config.json}, read leniently and written back with unknown keys preserved. */
public final class HfConfig {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode json;

    private HfConfig(ObjectNode json) {
        this.json = json;
    }

    public static HfConfig read(Path configFile) {
        try {
            JsonNode node = JSON.readTree(configFile.toFile());
            if (!(node instanceof ObjectNode object)) {
                throw new IllegalArgumentException(configFile + " is not a JSON object");
            }
            return new HfConfig(object);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + configFile, e);
        }
    }

    public static HfConfig parse(String jsonText) {
        try {
            return new HfConfig((ObjectNode) JSON.readTree(jsonText));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(Path configFile) {
        try {
            Files.writeString(configFile, JSON.writeValueAsString(json) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + configFile, e);
        }
    }

    public String modelType() {
        return requiredText("model_type");
    }

    /** The first entry of {@code architectures}, e.g. {@code BertForSequenceClassification}, if any. */
    public Optional<String> architecture() {
        JsonNode architectures = json.get("architectures");
        if (architectures == null || !architectures.isArray() || architectures.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(architectures.get(0).asText());
    }

    public int intValue(String key, int fallback) {
        JsonNode value = json.get(key);
        return value == null || value.isNull() ? fallback : value.asInt();
    }

    /** An integer setting, empty when absent or null. */
    public Optional<Long> optionalLong(String key) {
        JsonNode value = json.get(key);
        return value == null || value.isNull() || !value.canConvertToLong() ? Optional.empty()
                : Optional.of(value.asLong());
    }

    public int requiredInt(String key) {
        JsonNode value = json.get(key);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("config.json lacks " + key);
        }
        return value.asInt();
    }

    public double doubleValue(String key, double fallback) {
        JsonNode value = json.get(key);
        return value == null || value.isNull() ? fallback : value.asDouble();
    }

    /** A number setting, empty when absent or null. */
    public Optional<Double> optionalDouble(String key) {
        JsonNode value = json.get(key);
        return value == null || !value.isNumber() ? Optional.empty() : Optional.of(value.asDouble());
    }

    public Optional<String> text(String key) {
        JsonNode value = json.get(key);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    /** An integer or a list of integers (as {@code eos_token_id} may be); empty when absent or null. */
    public List<Long> longList(String key) {
        JsonNode value = json.get(key);
        List<Long> values = new ArrayList<>();
        if (value == null || value.isNull()) {
            return values;
        }
        if (value.isArray()) {
            value.forEach(element -> values.add(element.asLong()));
        } else {
            values.add(value.asLong());
        }
        return values;
    }

    /** Whether the key is written at all, even as null: some settings default differently when absent and when null. */
    public boolean has(String key) {
        return json.has(key);
    }

    /** The keys written, in the file's order. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** A nested object such as {@code rope_scaling}, read as a config of its own; empty when absent or null. */
    public Optional<HfConfig> section(String key) {
        JsonNode value = json.get(key);
        return value instanceof ObjectNode object ? Optional.of(new HfConfig(object)) : Optional.empty();
    }

    /** A list of strings such as {@code layer_types}; empty when absent or null. */
    public Optional<List<String>> textList(String key) {
        JsonNode value = json.get(key);
        if (value == null || !value.isArray()) {
            return Optional.empty();
        }
        List<String> values = new ArrayList<>();
        value.forEach(element -> values.add(element.asText()));
        return Optional.of(values);
    }

    public boolean booleanValue(String key, boolean fallback) {
        JsonNode value = json.get(key);
        return value == null || value.isNull() ? fallback : value.asBoolean();
    }

    /**
     * The label names ordered by id, from {@code id2label}; when absent, {@code LABEL_i} names for
     * {@code num_labels}, which is what {@code transformers} assumes (2 labels by default).
     */
    public List<String> labels() {
        JsonNode id2label = json.get("id2label");
        List<String> labels = new ArrayList<>();
        if (id2label != null && id2label.isObject() && !id2label.isEmpty()) {
            for (int id = 0; id < id2label.size(); id++) {
                JsonNode name = id2label.get(Integer.toString(id));
                if (name == null) {
                    throw new IllegalArgumentException("id2label has no entry for id " + id);
                }
                labels.add(name.asText());
            }
            return labels;
        }
        int count = intValue("num_labels", 2);
        for (int id = 0; id < count; id++) {
            labels.add("LABEL_" + id);
        }
        return labels;
    }

    /** A copy with {@code id2label}, {@code label2id} and {@code num_labels} set to the given labels. */
    public HfConfig withLabels(List<String> labels) {
        ObjectNode copy = json.deepCopy();
        ObjectNode id2label = copy.putObject("id2label");
        ObjectNode label2id = copy.putObject("label2id");
        for (int id = 0; id < labels.size(); id++) {
            id2label.put(Integer.toString(id), labels.get(id));
            label2id.put(labels.get(id), id);
        }
        copy.put("num_labels", labels.size());
        return new HfConfig(copy);
    }

    /** A copy whose {@code architectures} names only the given class. */
    public HfConfig withArchitecture(String architecture) {
        ObjectNode copy = json.deepCopy();
        copy.putArray("architectures").add(architecture);
        return new HfConfig(copy);
    }

    private String requiredText(String key) {
        return text(key).orElseThrow(() -> new IllegalArgumentException("config.json lacks " + key));
    }
}
