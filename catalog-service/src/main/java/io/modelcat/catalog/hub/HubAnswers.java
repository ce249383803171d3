package io.modelcat.catalog.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.catalog.model.ModelSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Hub API's JSON answers for a revision, with the fields {@code huggingface_hub} reads: model info
 * ({@code /api/models/{repo}/revision/{rev}}: {@code id}, {@code sha}, {@code siblings} with sizes and LFS SHA-256,
 * {@code pipeline_tag}, {@code cardData}, {@code config}, ...) and the tree ({@code /api/models/{repo}/tree/{rev}}).
 */
public final class HubAnswers {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_CONFIG_BYTES = 1024 * 1024;

    private HubAnswers() {
    }

    public static Map<String, Object> modelInfo(HubRevision revision) {
        ModelSummary card = revision.card().summary();
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("_id", card.id().toString());
        info.put("id", revision.repoId());
        info.put("modelId", revision.repoId());
        info.put("author", revision.repoId().substring(0, revision.repoId().indexOf('/')));
        info.put("sha", revision.commit());
        info.put("lastModified", revision.version().createdAt().toString());
        info.put("createdAt", card.createdAt().toString());
        info.put("private", false);
        info.put("disabled", false);
        info.put("gated", false);
        info.put("downloads", 0);
        info.put("likes", 0);
        // A LoRA adapter is a PEFT repository, whatever library its base model is for (as the Hub lists them).
        PeftAdapter adapter = revision.adapter();
        String library = adapter != null ? "peft" : card.library() == null ? "transformers" : card.library();
        info.put("library_name", library);
        Set<String> tags = new LinkedHashSet<>();
        tags.add(library);
        if (revision.files().stream().anyMatch(f -> f.path().endsWith(".safetensors"))) {
            tags.add("safetensors");
        }
        tags.add(card.task());
        tags.addAll(card.tags());
        if (adapter != null) {
            if (adapter.baseRepoId() != null) {
                tags.add("base_model:adapter:" + adapter.baseRepoId());
            }
            tags.add("lora");
        }
        tags.add("license:" + card.license());
        info.put("tags", List.copyOf(tags));
        info.put("pipeline_tag", card.task());
        Map<String, Object> cardData = new LinkedHashMap<>();
        cardData.put("license", card.license());
        cardData.put("pipeline_tag", card.task());
        if (adapter != null) {
            cardData.put("library_name", library);
        }
        cardData.put("tags", card.tags());
        Object baseModel = revision.version().lineage() == null ? null : revision.version().lineage().get("baseModel");
        if (adapter != null && adapter.baseRepoId() != null) {
            baseModel = adapter.baseRepoId();
        }
        if (baseModel != null) {
            cardData.put("base_model", baseModel);
        }
        Object datasets = revision.version().lineage() == null ? null : revision.version().lineage().get("datasets");
        if (datasets instanceof List<?>) {
            cardData.put("datasets", datasets);
        }
        info.put("cardData", cardData);
        config(revision).ifPresent(config -> info.put("config", config));
        List<Map<String, Object>> siblings = new ArrayList<>();
        long used = 0;
        for (HubFile file : revision.files()) {
            Map<String, Object> sibling = new LinkedHashMap<>();
            sibling.put("rfilename", file.path());
            sibling.put("size", file.size());
            sibling.put("blobId", file.blobId());
            if (file.lfs()) {
                sibling.put("lfs", Map.of("sha256", file.sha256(), "size", file.size(), "pointerSize", file.pointerSize()));
            }
            siblings.add(sibling);
            used += file.size();
        }
        info.put("siblings", siblings);
        info.put("usedStorage", used);
        return info;
    }

    /**
     * The tree of a revision: its files (and, recursively, its folders) as {@code list_repo_tree} reads them.
     *
     * @param recursive whether to list files in folders too (else only the top level)
     */
    public static List<Map<String, Object>> tree(HubRevision revision, boolean recursive) {
        return tree(revision, "", recursive);
    }

    /** The tree under {@code folder} ({@code ""} for the top), whose files the revision holds. */
    public static List<Map<String, Object>> tree(HubRevision revision, String folder, boolean recursive) {
        String base = folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
        List<Map<String, Object>> entries = new ArrayList<>();
        Set<String> folders = new TreeSet<>();
        for (HubFile file : revision.files()) {
            int slash = file.path().indexOf('/', base.length());
            if (!recursive && slash >= 0) {
                folders.add(file.path().substring(0, slash));
                continue;
            }
            if (recursive) {
                for (int i = slash; i >= 0; i = file.path().indexOf('/', i + 1)) {
                    folders.add(file.path().substring(0, i));
                }
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", "file");
            entry.put("oid", file.blobId());
            entry.put("size", file.size());
            entry.put("path", file.path());
            if (file.lfs()) {
                entry.put("lfs", Map.of("oid", file.sha256(), "size", file.size(), "pointerSize", file.pointerSize()));
            }
            entries.add(entry);
        }
        for (String name : folders) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", "directory");
            entry.put("oid", revision.commit());
            entry.put("size", 0);
            entry.put("path", name);
            entries.add(entry);
        }
        return entries;
    }

    /** config.json's model_type and architectures, as the Hub puts them in model info. */
    private static java.util.Optional<Map<String, Object>> config(HubRevision revision) {
        return revision.file("config.json").filter(f -> f.size() <= MAX_CONFIG_BYTES).map(f -> {
            try {
                JsonNode node = JSON.readTree(Files.readAllBytes(f.file()));
                Map<String, Object> config = new LinkedHashMap<>();
                if (node.path("model_type").isTextual()) {
                    config.put("model_type", node.path("model_type").asText());
                }
                List<String> architectures = new ArrayList<>();
                node.path("architectures").forEach(a -> architectures.add(a.asText()));
                if (!architectures.isEmpty()) {
                    config.put("architectures", architectures);
                }
                return config;
            } catch (IOException e) {
                return Map.<String, Object>of();
            }
        });
    }
}
