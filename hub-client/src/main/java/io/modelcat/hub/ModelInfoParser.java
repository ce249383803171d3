package io.modelcat.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the Hub's model-info JSON leniently: unknown fields are ignored, missing ones become null. */
final class ModelInfoParser {

    private static final String LICENSE_TAG = "license:";

    private final ObjectMapper mapper;

    ModelInfoParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ModelInfo parse(byte[] json) {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (IOException e) {
            throw new HubException(HubException.Kind.INVALID_RESPONSE, "the Hub's model info is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new HubException(HubException.Kind.INVALID_RESPONSE, "the Hub's model info is not a JSON object");
        }
        String id = text(root, "id");
        if (id == null) {
            id = text(root, "modelId");
        }
        if (id == null) {
            throw new HubException(HubException.Kind.INVALID_RESPONSE, "the Hub's model info has no 'id'");
        }
        List<String> tags = new ArrayList<>();
        root.path("tags").forEach(t -> {
            if (t.isTextual()) {
                tags.add(t.asText());
            }
        });
        List<RepoFile> siblings = new ArrayList<>();
        for (JsonNode s : root.path("siblings")) {
            String name = text(s, "rfilename");
            if (name != null) {
                siblings.add(new RepoFile(name, longOrNull(s.get("size")), text(s, "blobId"), lfs(s.get("lfs"))));
            }
        }
        JsonNode config = root.path("config");
        List<String> architectures = new ArrayList<>();
        config.path("architectures").forEach(a -> {
            if (a.isTextual()) {
                architectures.add(a.asText());
            }
        });
        return new ModelInfo(id, text(root, "sha"), text(root, "pipeline_tag"), tags, text(root, "library_name"),
                license(root, tags), gated(root.get("gated")), text(config, "model_type"), architectures, siblings);
    }

    private static LfsInfo lfs(JsonNode node) {
        if (node == null || !node.isObject() || text(node, "sha256") == null) {
            return null;
        }
        Long size = longOrNull(node.get("size"));
        Long pointerSize = longOrNull(node.get("pointerSize"));
        return new LfsInfo(text(node, "sha256"), size == null ? -1 : size, pointerSize == null ? 0 : pointerSize);
    }

    private static String license(JsonNode root, List<String> tags) {
        JsonNode fromCard = root.path("cardData").get("license");
        if (fromCard != null && fromCard.isTextual() && !fromCard.asText().isBlank()) {
            return fromCard.asText();
        }
        // Model cards may list several licences; the first is the one the Hub shows.
        if (fromCard != null && fromCard.isArray() && fromCard.size() > 0 && fromCard.get(0).isTextual()) {
            return fromCard.get(0).asText();
        }
        return tags.stream().filter(t -> t.startsWith(LICENSE_TAG)).map(t -> t.substring(LICENSE_TAG.length()))
                .findFirst().orElse(null);
    }

    /** The Hub answers {@code false}, {@code "auto"} or {@code "manual"}. */
    private static boolean gated(JsonNode node) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.isTextual() && !node.asText().isEmpty() && !"false".equalsIgnoreCase(node.asText());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static Long longOrNull(JsonNode node) {
        return node != null && node.canConvertToLong() ? node.asLong() : null;
    }
}
