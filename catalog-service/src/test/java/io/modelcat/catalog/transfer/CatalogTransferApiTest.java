package io.modelcat.catalog.transfer;

import static io.modelcat.testsupport.ModelArchives.aModelArchive;
import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.TestDatabase;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Moving models between sites through real HTTP: an uploaded model and a model derived from it are exported, the
 * database and files are emptied (another site), and the archive imported there keeps ids, numbers, lineage and files;
 * importing again changes nothing; damaged or wrong archives are refused leaving nothing behind.
 */
@MicronautTest(transactional = false)
class CatalogTransferApiTest extends CatalogTestBase {

    @Inject
    JsonMapper mapper;

    private String base;
    private String derived;
    private Path derivedFolder;

    @BeforeEach
    @SuppressWarnings("unchecked")
    void twoModels() throws IOException {
        ApiClient.Answer uploaded = api.upload("/api/v1/model-uploads?name=acme/tiny", "application/zip",
                aModelArchive().from(Fixtures.model("bert")).withReadme("---\nlicense: mit\n---\n# Tiny\n").zip(), true);
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        base = (String) uploaded.map().get("modelId");
        String baseVersion = (String) api.get("/api/v1/models/" + base + "/versions").list().get(0).get("id");

        derivedFolder = Files.createDirectories(home.resolve("jobs/" + UUID.randomUUID()));
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(Fixtures.model("distilbert-sequence-classification").resolve(name), derivedFolder.resolve(name));
        }
        Files.writeString(derivedFolder.resolve(".engine-state"), "bookkeeping, not part of the model");
        Map<String, Object> body = aModel("tiny-sentiment");
        body.put("source", Map.of("type", "finetuned"));
        derived = (String) create(body).get("id");
        api.post("/api/v1/models/" + derived + "/versions", Map.of("notes", "a draft without files"));
        ApiClient.Answer version = api.post("/api/v1/models/" + derived + "/versions", Map.of(
                "artifactUri", derivedFolder.toUri().toString(), "parentVersionId", baseVersion,
                "lineage", Map.of("jobId", UUID.randomUUID().toString(), "metrics", Map.of("accuracy", 0.875)),
                "notes", "fine-tuned"));
        assertThat(version.status()).as(version.body()).isEqualTo(201);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anExportImportsOnAnotherSiteWithItsIdsLineageAndFilesAndOnlyOnce() throws Exception {
        List<Map<String, Object>> baseVersions = api.get("/api/v1/models/" + base + "/versions").list();
        List<Map<String, Object>> derivedVersions = api.get("/api/v1/models/" + derived + "/versions").list();
        byte[] archive = export("?model=" + derived + "&model=" + base);
        Map<String, byte[]> entries = unzip(archive);
        String tuned = (String) derivedVersions.get(1).get("id");
        assertThat(entries.keySet()).contains("manifest.json", "files/" + tuned + "/model.safetensors")
                .doesNotContain("files/" + tuned + "/.engine-state");
        Map<String, Object> manifest = mapper.readValue(entries.get("manifest.json"), Map.class);
        assertThat(manifest).containsEntry("format", "modelcat-catalog").containsEntry("formatVersion", 1)
                .containsEntry("exportedBy", "test-admin");
        Map<String, Object> tunedInManifest = ((List<Map<String, Object>>) ((List<Map<String, Object>>) manifest.get("models"))
                .get(0).get("versions")).get(1);
        Path weights = derivedFolder.resolve("model.safetensors");
        assertThat((List<Map<String, Object>>) tunedInManifest.get("files")).contains(Map.of("name", "model.safetensors",
                "size", (int) Files.size(weights), "sha256", sha256(Files.readAllBytes(weights))));

        // The same site: everything is here already.
        ApiClient.Answer again = importArchive(archive);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.map()).containsEntry("modelsCreated", 0).containsEntry("versionsCreated", 0)
                .containsEntry("versionsUnchanged", 3);

        // Another site: an empty database and no model files.
        TestDatabase.shared().truncateAll();
        api = apiAs(Role.CONTRIBUTOR);
        deleteTree(home.resolve("models"));
        deleteTree(derivedFolder);

        ApiClient.Answer imported = importArchive(archive);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(imported.map()).containsEntry("modelsCreated", 2).containsEntry("versionsCreated", 3)
                .containsEntry("versionsUnchanged", 0);
        Map<String, Object> card = api.get("/api/v1/models/" + derived).map();
        assertThat(card).containsEntry("name", "tiny-sentiment").containsEntry("status", "ready")
                .containsEntry("versionCount", 2);
        assertThat((Map<String, Object>) card.get("source")).containsEntry("type", "finetuned");
        assertThat(api.get("/api/v1/models/" + base).map()).containsEntry("hubRepoId", "acme/tiny")
                .containsEntry("license", "mit");

        List<Map<String, Object>> now = api.get("/api/v1/models/" + derived + "/versions").list();
        assertThat(now).extracting(v -> v.get("id")).containsExactly(derivedVersions.get(0).get("id"), tuned);
        assertThat(now).extracting(v -> v.get("versionNumber")).containsExactly(1, 2);
        Map<String, Object> tunedHere = now.get(1);
        assertThat(tunedHere).containsEntry("parentVersionId", baseVersions.get(0).get("id"))
                .containsEntry("notes", "fine-tuned").containsEntry("createdAt", derivedVersions.get(1).get("createdAt"));
        Map<String, Object> lineage = (Map<String, Object>) tunedHere.get("lineage");
        assertThat(lineage).containsEntry("jobId", ((Map<String, Object>) derivedVersions.get(1).get("lineage")).get("jobId"))
                .containsEntry("metrics", Map.of("accuracy", 0.875));
        assertThat((Map<String, Object>) lineage.get("importedFrom")).containsEntry("exportedBy", "test-admin")
                .containsEntry("versionNumber", 2).containsEntry("importedBy", "test-contributor");
        Path folder = Path.of(URI.create((String) tunedHere.get("artifactUri")));
        assertThat(folder).startsWith(home.resolve("models/imported"));
        assertThat(Files.readAllBytes(folder.resolve("model.safetensors")))
                .isEqualTo(Files.readAllBytes(Fixtures.model("distilbert-sequence-classification").resolve("model.safetensors")));
        assertThat(now.get(0).get("artifactUri")).isNull();

        ApiClient.Answer twice = importArchive(archive);
        assertThat(twice.map()).containsEntry("modelsCreated", 0).containsEntry("versionsCreated", 0)
                .containsEntry("versionsUnchanged", 3);
        assertThat(api.get("/api/v1/models").items()).hasSize(2);
        assertThat(incoming()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void oneVersionCanBeChosenWithoutItsParent() throws Exception {
        byte[] archive = export("?model=" + derived + ":2");
        Map<String, Object> manifest = mapper.readValue(unzip(archive).get("manifest.json"), Map.class);
        List<Map<String, Object>> models = (List<Map<String, Object>>) manifest.get("models");
        assertThat(models).hasSize(1);
        assertThat((List<Map<String, Object>>) models.get(0).get("versions")).extracting(v -> v.get("versionNumber"))
                .containsExactly(2);

        TestDatabase.shared().truncateAll();
        api = apiAs(Role.ADMIN);
        ApiClient.Answer imported = importArchive(archive);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertThat(((List<Map<String, Object>>) imported.map().get("models")).get(0))
                .containsEntry("id", derived).containsEntry("created", true);
        // Its parent (the base model's version) did not come along: the link is dropped, the lineage keeps the rest.
        List<Map<String, Object>> versions = api.get("/api/v1/models/" + derived + "/versions").list();
        assertThat(versions).hasSize(1);
        assertThat(versions.get(0)).containsEntry("versionNumber", 2).doesNotContainKey("parentVersionId");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theVersionsOfAnUploadJoinTheCardOfTheSameRepositoryHere() {
        byte[] archive = export("?model=" + base);
        String revision = (String) api.get("/api/v1/models/" + base + "/versions").list().get(0).get("sourceRevision");

        // Here acme/tiny was uploaded with other files: its version 1 is another revision.
        TestDatabase.shared().truncateAll();
        api = apiAs(Role.ADMIN);
        ApiClient.Answer other = api.upload("/api/v1/model-uploads?name=acme/tiny", "application/zip",
                aModelArchive().from(Fixtures.model("distilbert-sequence-classification")).zip(), true);
        assertThat(other.status()).as(other.body()).isEqualTo(201);
        String local = (String) other.map().get("modelId");

        ApiClient.Answer imported = importArchive(archive);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        Map<String, Object> model = ((List<Map<String, Object>>) imported.map().get("models")).get(0);
        assertThat(model).containsEntry("id", local).containsEntry("created", false);
        assertThat((List<Map<String, Object>>) model.get("versions")).singleElement().satisfies(v -> assertThat(v)
                .containsEntry("versionNumber", 2).containsEntry("sourceVersionNumber", 1).containsEntry("created", true));
        assertThat(api.get("/api/v1/models").items()).hasSize(1);
        assertThat(api.get("/api/v1/models/" + local + "/versions").list()).extracting(v -> v.get("sourceRevision"))
                .containsExactly(other.map().get("revision"), revision);

        ApiClient.Answer twice = importArchive(archive);
        assertThat(twice.map()).containsEntry("versionsCreated", 0).containsEntry("versionsUnchanged", 1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAdapterNamesTheFolderItsBaseHasOnTheImportingSiteAndIsRefusedWithoutItsBase() throws Exception {
        String baseVersion = (String) api.get("/api/v1/models/" + base + "/versions").list().get(0).get("id");
        Path baseFolder = Path.of(URI.create((String) api.get("/api/v1/models/" + base + "/versions").list().get(0)
                .get("artifactUri")));
        // As the engine writes a LoRA fine-tune: peft's files, the base named by its folder on this (exporting) site.
        Path adapterFolder = Files.createDirectories(home.resolve("jobs/" + UUID.randomUUID() + "/output"));
        Files.writeString(adapterFolder.resolve("adapter_config.json"), "{\n  \"peft_type\" : \"LORA\",\n"
                + "  \"base_model_name_or_path\" : \"" + baseFolder.toAbsolutePath() + "\",\n  \"r\" : 8\n}");
        Files.write(adapterFolder.resolve("adapter_model.safetensors"), new byte[] {2, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        Map<String, Object> body = aModel("tiny-lora");
        body.put("source", Map.of("type", "finetuned"));
        String adapter = (String) create(body).get("id");
        ApiClient.Answer version = api.post("/api/v1/models/" + adapter + "/versions", Map.of(
                "artifactUri", adapterFolder.toUri().toString(), "parentVersionId", baseVersion,
                "lineage", Map.of("jobId", UUID.randomUUID().toString(), "baseModelVersionId", baseVersion)));
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        byte[] withBase = export("?model=" + adapter + "&model=" + base);
        byte[] alone = export("?model=" + adapter);
        byte[] baseOnly = export("?model=" + base);

        // Another site, without the base: refused, saying which base is missing, and nothing is left.
        TestDatabase.shared().truncateAll();
        api = apiAs(Role.ADMIN);
        deleteTree(home.resolve("models"));
        deleteTree(adapterFolder);
        assertRefused(alone, "base model version " + baseVersion + ", which is neither in the archive nor on this site");
        assertThat(api.get("/api/v1/models").items()).isEmpty();
        assertThat(listed(home.resolve("models/imported"))).isEmpty();
        assertThat(incoming()).isEmpty();

        // With the base in the same archive: the adapter names the folder the base is imported to.
        ApiClient.Answer imported = importArchive(withBase);
        assertThat(imported.status()).as(imported.body()).isEqualTo(200);
        assertAdapterNamesItsBaseHere(adapter, baseVersion);
        // Served by the Hub API, it names the base by its repository id, as anywhere else.
        Map<String, Object> served = mapper.readValue(apiAs(Role.CONTRIBUTOR)
                .get("/hub/modelcat/tiny-lora/resolve/main/adapter_config.json").body(), Map.class);
        assertThat(served).containsEntry("base_model_name_or_path", "acme/tiny").containsEntry("r", 8);

        // A third site has the base already: the adapter alone imports, naming the base's folder here.
        TestDatabase.shared().truncateAll();
        api = apiAs(Role.ADMIN);
        deleteTree(home.resolve("models"));
        assertThat(importArchive(baseOnly).status()).isEqualTo(200);
        ApiClient.Answer later = importArchive(alone);
        assertThat(later.status()).as(later.body()).isEqualTo(200);
        assertAdapterNamesItsBaseHere(adapter, baseVersion);
    }

    @SuppressWarnings("unchecked")
    private void assertAdapterNamesItsBaseHere(String adapter, String baseVersion) throws IOException {
        Map<String, Object> tuned = api.get("/api/v1/models/" + adapter + "/versions").list().get(0);
        Map<String, Object> baseHere = api.get("/api/v1/models/" + base + "/versions").list().get(0);
        Path baseFolderHere = Path.of(URI.create((String) baseHere.get("artifactUri")));
        assertThat(baseFolderHere).startsWith(home.resolve("models/imported"));
        Path folder = Path.of(URI.create((String) tuned.get("artifactUri")));
        Map<String, Object> config = mapper.readValue(Files.readAllBytes(folder.resolve("adapter_config.json")), Map.class);
        assertThat(config).containsEntry("base_model_name_or_path", baseFolderHere.toAbsolutePath().normalize().toString())
                .containsEntry("peft_type", "LORA").containsEntry("r", 8);
        assertThat((Map<String, Object>) ((Map<String, Object>) tuned.get("lineage")).get("adapterBase"))
                .containsEntry("file", "adapter_config.json").containsEntry("baseVersionId", baseVersion);
    }

    @Test
    void aDamagedOrForeignArchiveIsRefusedAndLeavesNothing() throws Exception {
        byte[] archive = export("?model=" + derived + "&model=" + base);
        TestDatabase.shared().truncateAll();
        api = apiAs(Role.ADMIN);
        List<Path> importedBefore = listed(home.resolve("models/imported"));

        assertRefused(rezip(archive, (name, bytes) -> name.endsWith("/model.safetensors") && name.contains(versionOf(archive, 2))
                ? flipLastByte(bytes) : bytes), "the archive is damaged or was changed");
        assertRefused(rezip(archive, (name, bytes) -> name.equals("manifest.json") ? null : bytes),
                "the archive holds no manifest.json");
        assertRefused(rezip(archive, (name, bytes) -> name.equals("manifest.json")
                ? new String(bytes, StandardCharsets.UTF_8).replace("\"task\":\"text-classification\"", "\"task\":\"dancing\"")
                        .getBytes(StandardCharsets.UTF_8) : bytes), "manifest.json models[0].task: unknown task 'dancing'");
        assertRefused(rezip(archive, (name, bytes) -> name.equals("manifest.json")
                ? new String(bytes, StandardCharsets.UTF_8).replace("\"formatVersion\":1", "\"formatVersion\":7")
                        .getBytes(StandardCharsets.UTF_8) : bytes), "this ModelCat reads version 1");
        assertRefused(withExtraEntry(archive), "which the manifest does not list");
        assertRefused("not a zip".getBytes(StandardCharsets.UTF_8), "the body is not a zip archive");
        assertRefused(aModelArchive().from(Fixtures.model("bert")).zip(), "POST /api/v1/model-uploads");

        assertThat(api.get("/api/v1/models").items()).isEmpty();
        assertThat(listed(home.resolve("models/imported"))).isEqualTo(importedBefore);
        assertThat(incoming()).isEmpty();
    }

    @Test
    void anExportSaysWhatIsWrongWithTheSelection() {
        assertExportRefused("", "model: is required");
        assertExportRefused("?model=nope", "'nope' is not a model id");
        assertExportRefused("?model=" + derived + ":x", "after ':' comes a version number");
        assertExportRefused("?model=" + derived + ":9", "has no version 9");
        assertExportRefused("?model=" + UUID.randomUUID(), "no model has id");
        assertThat(apiAs(Role.VIEWER).get("/api/v1/catalog/export?model=" + derived).status()).isEqualTo(403);
        assertThat(apiAs(Role.VIEWER).upload("/api/v1/catalog/imports", "application/zip", new byte[] {1}, true).status())
                .isEqualTo(403);
    }

    private void assertExportRefused(String query, String message) {
        ApiClient.Answer answer = api.get("/api/v1/catalog/export" + query);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.errorFields()).containsExactly("model");
        assertThat(answer.body()).contains(message);
    }

    private void assertRefused(byte[] archive, String message) {
        ApiClient.Answer answer = importArchive(archive);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.errorFields()).contains("file");
        assertThat(answer.body()).contains(message);
    }

    private byte[] export(String query) {
        ApiClient.Answer answer = api.sendBytes(HttpRequest.newBuilder(api.uri("/api/v1/catalog/export" + query)).GET());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/zip");
        assertThat(answer.header("Content-Disposition")).matches("attachment; filename=\"modelcat-catalog-\\d{8}-\\d{6}\\.zip\"");
        return answer.body().getBytes(StandardCharsets.ISO_8859_1);
    }

    private ApiClient.Answer importArchive(byte[] archive) {
        return api.upload("/api/v1/catalog/imports", "application/zip", archive, true);
    }

    /** The id of the derived model's version {@code number}, as the archive's manifest names it. */
    @SuppressWarnings("unchecked")
    private String versionOf(byte[] archive, int number) {
        try {
            Map<String, Object> manifest = mapper.readValue(unzip(archive).get("manifest.json"), Map.class);
            return ((List<Map<String, Object>>) ((List<Map<String, Object>>) manifest.get("models")).get(0).get("versions"))
                    .stream().filter(v -> v.get("versionNumber").equals(number)).findFirst().orElseThrow().get("id").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface EntryChange {
        byte[] apply(String name, byte[] bytes);
    }

    private static byte[] rezip(byte[] archive, EntryChange change) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : unzip(archive).entrySet()) {
                byte[] changed = change.apply(entry.getKey(), entry.getValue());
                if (changed != null) {
                    zip.putNextEntry(new ZipEntry(entry.getKey()));
                    zip.write(changed);
                    zip.closeEntry();
                }
            }
        }
        return out.toByteArray();
    }

    private static byte[] withExtraEntry(byte[] archive) throws IOException {
        byte[] first = rezip(archive, (name, bytes) -> bytes);
        Map<String, byte[]> entries = new LinkedHashMap<>(unzip(first));
        entries.put("files/notes.txt", "not listed".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static byte[] flipLastByte(byte[] bytes) {
        byte[] copy = bytes.clone();
        copy[copy.length - 1] ^= 1;
        return copy;
    }

    private static Map<String, byte[]> unzip(byte[] archive) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }

    private List<Path> incoming() throws IOException {
        return listed(home.resolve("models/uploaded/.incoming"));
    }

    private static List<Path> listed(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.list(folder)) {
            return paths.sorted().toList();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
