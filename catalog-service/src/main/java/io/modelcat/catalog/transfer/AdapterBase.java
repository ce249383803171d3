package io.modelcat.catalog.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.catalog.problem.InvalidFieldException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A LoRA adapter of a catalog archive made to name this site's folder of its base: the engine writes
 * {@code base_model_name_or_path} as the absolute path of the base's folder on the site that trained it, which means
 * nothing here. The base is the version the adapter's lineage names ({@code baseModelVersionId}, else its parent).
 */
final class AdapterBase {

    static final String CONFIG = "adapter_config.json";

    private static final String BASE = "base_model_name_or_path";
    private static final long MAX_CONFIG_BYTES = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ABSOLUTE = Pattern.compile("(/|\\\\|[A-Za-z]:[\\\\/]).*");

    private AdapterBase() {
    }

    /**
     * Rewrites {@code folder}'s {@code adapter_config.json} when it names its base by an absolute path, to the base's
     * folder here; what was done, for the version's lineage, or empty when there was nothing to rewrite.
     *
     * @param entry       the version's files as the archive names them ({@code files/<version id>/}), for messages
     * @param baseId      the version's base, or {@code null} when its lineage names none
     * @param baseFolders the folder here of a version, when it has one here or will have one once this import is done
     * @throws InvalidFieldException naming {@code file} when the base is neither in the archive nor here
     */
    static Optional<Map<String, Object>> pointAtBaseHere(Path folder, String entry, UUID baseId,
                                                         Function<UUID, Optional<Path>> baseFolders) throws IOException {
        Path config = folder.resolve(CONFIG);
        if (!Files.isRegularFile(config) || Files.size(config) > MAX_CONFIG_BYTES) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(config.toFile());
        } catch (IOException e) {
            return Optional.empty(); // not an adapter the engine wrote: its files are kept as they came
        }
        if (!(node instanceof ObjectNode object) || !object.path(BASE).isTextual()
                || !ABSOLUTE.matcher(object.path(BASE).asText()).matches()) {
            return Optional.empty();
        }
        String named = object.path(BASE).asText();
        if (baseId == null) {
            throw new InvalidFieldException("file", entry + CONFIG + " is a LoRA adapter for the base model folder "
                    + named + " on the exporting site, but the version's lineage names no base version "
                    + "(baseModelVersionId or a parent) to take its place here");
        }
        Path base = baseFolders.apply(baseId).orElseThrow(() -> new InvalidFieldException("file", entry + CONFIG
                + " is a LoRA adapter of base model version " + baseId + ", which is neither in the archive nor on "
                + "this site: export the base model's version with it, or import it first"));
        String here = base.toAbsolutePath().normalize().toString();
        object.put(BASE, here);
        // Written beside and moved over, as the engine's own files are: the folder is still in staging.
        Path written = folder.resolve("." + CONFIG + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(written.toFile(), object);
        Files.move(written, config, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("file", CONFIG);
        note.put("baseVersionId", baseId.toString());
        note.put("rewritten", BASE + " named the base model's folder on the exporting site; it names the base "
                + "version's folder on this site");
        return Optional.of(note);
    }
}
