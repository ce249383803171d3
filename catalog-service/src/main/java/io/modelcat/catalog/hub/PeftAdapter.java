package io.modelcat.catalog.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.core.annotation.Nullable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A version that is a LoRA adapter in {@code peft}'s format, served as a PEFT repository: its
 * {@code adapter_config.json} names the base model by the base's repository id under {@code /hub} and pins the base's
 * version with {@code peft}'s {@code revision} field, where the engine wrote the folder the base has on this server.
 *
 * @param baseRepoId the base model's repository id, or {@code null} when the base version is not in the catalog
 * @param baseCommit the base version's commit id ({@link HubCatalog#commitOf}), or {@code null} likewise
 */
public record PeftAdapter(@Nullable String baseRepoId, @Nullable String baseCommit) {

    /** The file that makes a folder a {@code peft} adapter. */
    public static final String CONFIG = "adapter_config.json";

    private static final String BASE = "base_model_name_or_path";
    private static final String REVISION = "revision";
    private static final int MAX_CONFIG_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A path on some machine rather than a Hub id: absolute (Unix, Windows, file: URI) or relative to the folder. */
    private static final Pattern LOCAL_PATH = Pattern.compile("^(/|\\\\|[A-Za-z]:[\\\\/]|file:|\\.|~).*|.*\\\\.*");

    /** Whether a {@code base_model_name_or_path} value is a local path rather than a repository id. */
    public static boolean isLocalPath(String value) {
        return value != null && LOCAL_PATH.matcher(value).matches();
    }

    /**
     * The {@code adapter_config.json} to serve for {@code file}: the same settings, with {@code base_model_name_or_path}
     * the base's repository id and {@code revision} its commit; when the base is not in the catalog, a local path there
     * is replaced by {@code null} (never sent). Empty when the file is not a JSON object (no adapter {@code peft} loads).
     */
    public Optional<byte[]> servedConfig(Path file) {
        JsonNode config;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] text = in.readNBytes(MAX_CONFIG_BYTES + 1);
            if (text.length > MAX_CONFIG_BYTES) {
                return Optional.empty();
            }
            config = JSON.readTree(text);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (!(config instanceof ObjectNode object)) {
            return Optional.empty();
        }
        if (baseRepoId != null) {
            object.put(BASE, baseRepoId);
            object.put(REVISION, baseCommit);
        } else if (!object.path(BASE).isTextual() || isLocalPath(object.path(BASE).asText())) {
            object.putNull(BASE);
            object.putNull(REVISION);
        }
        try {
            return Optional.of(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(object));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
