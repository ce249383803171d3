package io.modelcat.catalog.hub;

import static io.modelcat.testsupport.ModelArchives.aModelArchive;
import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.catalog.access.Role;
import io.modelcat.testsupport.Fixtures;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Hub's read API under /hub: the JSON, headers, ranges and errors huggingface_hub relies on. */
@MicronautTest(transactional = false)
class HubApiTest extends CatalogTestBase {

    private static final Path BERT = Fixtures.model("bert");
    private static final String README = "---\nlicense: mit\npipeline_tag: text-classification\n"
            + "base_model: google-bert/bert-base-uncased\ndatasets: [stanfordnlp/imdb]\n---\n# Tiny\n";

    /** Hub API calls are a contributor's, as archive downloads are. */
    private ApiClient contributor;
    private String v1;
    private String modelId;

    @BeforeEach
    void uploadAModel() {
        contributor = apiAs(Role.CONTRIBUTOR);
        ApiClient.Answer uploaded = api.upload("/api/v1/model-uploads?name=acme/tiny", "application/zip",
                aModelArchive().from(BERT).withReadme(README).zip(), true);
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        v1 = (String) uploaded.map().get("revision");
        modelId = (String) uploaded.map().get("modelId");
    }

    @Test
    @SuppressWarnings("unchecked")
    void modelInfoListsTheFilesWithSizesAndLfsHashes() throws Exception {
        ApiClient.Answer answer = contributor.get("/hub/api/models/acme/tiny");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        Map<String, Object> info = answer.map();
        assertThat(info).containsEntry("id", "acme/tiny").containsEntry("sha", v1)
                .containsEntry("pipeline_tag", "text-classification").containsEntry("private", false)
                .containsEntry("library_name", "transformers");
        assertThat((Map<String, Object>) info.get("cardData")).containsEntry("license", "mit")
                .containsEntry("base_model", List.of("google-bert/bert-base-uncased"))
                .containsEntry("datasets", List.of("stanfordnlp/imdb"));
        assertThat((Map<String, Object>) info.get("config")).containsEntry("model_type", "bert");
        List<Map<String, Object>> siblings = (List<Map<String, Object>>) info.get("siblings");
        assertThat(siblings).extracting(s -> s.get("rfilename"))
                .containsExactly("README.md", "config.json", "model.safetensors", "tokenizer.json");
        Map<String, Object> weights = siblings.get(2);
        assertThat(weights).containsEntry("size", (int) Files.size(BERT.resolve("model.safetensors")));
        String weightsSha = sha256(BERT.resolve("model.safetensors"));
        assertThat((Map<String, Object>) weights.get("lfs")).containsEntry("sha256", weightsSha);
        // An LFS file's blob is its pointer, as in the Hub's git repositories.
        String pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + weightsSha + "\nsize "
                + Files.size(BERT.resolve("model.safetensors")) + "\n";
        assertThat(weights).containsEntry("blobId", gitBlobId(pointer.getBytes(StandardCharsets.US_ASCII)));
        assertThat((Map<String, Object>) weights.get("lfs")).containsEntry("pointerSize", pointer.length());
        // Digests are kept on disk, so that a large file is read once per site, not once per start.
        assertThat(home.resolve("hub/digests")).isDirectoryContaining(p -> !p.getFileName().toString().startsWith("."));
        assertThat(siblings.get(1)).doesNotContainKey("lfs").containsEntry("blobId", gitBlobId(BERT.resolve("config.json")));

        assertThat(contributor.get("/hub/api/models/acme/tiny/revision/main").map()).containsEntry("sha", v1);
        assertThat(contributor.get("/hub/api/models/acme/tiny/revision/" + v1).map()).containsEntry("sha", v1);
        assertThat(contributor.get("/hub/api/models/ACME/Tiny/revision/v1").map()).containsEntry("sha", v1);
    }

    @Test
    void aNewVersionBecomesMainAndTheOldOneStaysServedByItsCommit() {
        ApiClient.Answer two = api.upload("/api/v1/model-uploads?name=acme/tiny", "application/zip",
                aModelArchive().from(BERT).withReadme(README + "More.\n").zip(), true);
        String v2 = (String) two.map().get("revision");
        assertThat(v2).isNotEqualTo(v1);
        assertThat(contributor.get("/hub/api/models/acme/tiny").map()).containsEntry("sha", v2);
        assertThat(contributor.get("/hub/api/models/acme/tiny/revision/2").map()).containsEntry("sha", v2);
        ApiClient.Answer old = contributor.get("/hub/acme/tiny/resolve/" + v1 + "/README.md");
        assertThat(old.body()).isEqualTo(README);
        assertThat(old.header("X-Repo-Commit")).isEqualTo(v1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTreeListsFilesAsListRepoTreeReadsThem() throws Exception {
        List<Map<String, Object>> tree = contributor.get("/hub/api/models/acme/tiny/tree/main?recursive=true").list();
        assertThat(tree).extracting(e -> e.get("path"))
                .containsExactly("README.md", "config.json", "model.safetensors", "tokenizer.json");
        assertThat(tree).allSatisfy(e -> assertThat(e).containsEntry("type", "file").containsKeys("oid", "size"));
        assertThat((Map<String, Object>) tree.get(2).get("lfs"))
                .containsEntry("oid", sha256(BERT.resolve("model.safetensors"))).containsKey("pointerSize");
    }

    @Test
    void resolveServesTheFileWithTheHubsHeaders() throws Exception {
        byte[] weights = Files.readAllBytes(BERT.resolve("model.safetensors"));
        ApiClient.Answer get = send(contributor, "GET", "/hub/acme/tiny/resolve/main/model.safetensors", null);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(weights);
        assertThat(get.header("X-Repo-Commit")).isEqualTo(v1);
        assertThat(get.header("X-Linked-Etag")).isEqualTo("\"" + sha256(BERT.resolve("model.safetensors")) + "\"");
        assertThat(get.header("X-Linked-Size")).isEqualTo(String.valueOf(weights.length));
        assertThat(get.header("Accept-Ranges")).isEqualTo("bytes");

        ApiClient.Answer head = send(contributor, "HEAD", "/hub/acme/tiny/resolve/main/config.json", null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("ETag")).isEqualTo("\"" + gitBlobId(BERT.resolve("config.json")) + "\"");
        assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(Files.size(BERT.resolve("config.json"))));
        assertThat(head.header("X-Repo-Commit")).isEqualTo(v1);
        assertThat(head.header("X-Linked-Etag")).isNull();
        // Downloads are audited as exports are; a HEAD is not a download.
        List<Map<String, Object>> downloads = api.get("/api/v1/audit?action=model.download").items();
        assertThat(downloads).hasSize(1);
        assertThat(downloads.get(0)).containsEntry("actor", "test-contributor");

        ApiClient.Answer middle = send(contributor, "GET", "/hub/acme/tiny/resolve/" + v1 + "/model.safetensors", "bytes=100-199");
        assertThat(middle.status()).isEqualTo(206);
        assertThat(middle.header("Content-Range")).isEqualTo("bytes 100-199/" + weights.length);
        assertThat(middle.body().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(Arrays.copyOfRange(weights, 100, 200));
        ApiClient.Answer rest = send(contributor, "GET", "/hub/acme/tiny/resolve/main/model.safetensors", "bytes=1000-");
        assertThat(rest.status()).isEqualTo(206);
        assertThat(rest.body().getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo(Arrays.copyOfRange(weights, 1000, weights.length));
        ApiClient.Answer tail = send(contributor, "GET", "/hub/acme/tiny/resolve/main/model.safetensors", "bytes=-10");
        assertThat(tail.body().getBytes(StandardCharsets.ISO_8859_1))
                .isEqualTo(Arrays.copyOfRange(weights, weights.length - 10, weights.length));
        ApiClient.Answer outside = send(contributor, "GET", "/hub/acme/tiny/resolve/main/model.safetensors",
                "bytes=" + weights.length + "-");
        assertThat(outside.status()).isEqualTo(416);
        assertThat(outside.header("Content-Range")).isEqualTo("bytes */" + weights.length);
    }

    @Test
    void missingThingsAnswerTheHubsErrorCodes() {
        assertHubError(contributor.get("/hub/api/models/acme/nothing"), 404, "RepoNotFound");
        assertHubError(contributor.get("/hub/acme/nothing/resolve/main/config.json"), 404, "RepoNotFound");
        assertHubError(contributor.get("/hub/api/models/acme/tiny/revision/v9"), 404, "RevisionNotFound");
        assertHubError(contributor.get("/hub/api/models/acme/tiny/revision/" + "0".repeat(40)), 404, "RevisionNotFound");
        assertHubError(contributor.get("/hub/acme/tiny/resolve/main/model.safetensors.index.json"), 404, "EntryNotFound");
        ApiClient.Answer anonymous = anonymousApi().get("/hub/api/models/acme/tiny");
        assertHubError(anonymous, 401, "RepoNotFound");
        // A viewer may read the card but not download the model, as with archives: the Hub's answer for no access.
        assertHubError(apiAs(Role.VIEWER).get("/hub/acme/tiny/resolve/main/config.json"), 403, "RepoNotFound");
        assertThat(apiAs(Role.VIEWER).get("/api/v1/models?q=tiny").items()).hasSize(1);
        ApiClient.Answer badToken = anonymousApi().as("mc_pat_not-a-real-token").get("/hub/acme/tiny/resolve/main/config.json");
        assertThat(badToken.status()).isEqualTo(401);
        assertThat(badToken.header("X-Error-Message")).isEqualTo("Invalid credentials in Authorization header");
        assertThat(badToken.header("X-Error-Code")).isNull();
    }

    @Test
    void aModelWithoutARepositoryIsServedUnderTheModelcatNamespace() throws Exception {
        Map<String, Object> card = create(aModel("Support tickets (v2)"));
        Path folder = home.resolve("fine-tuned-output");
        Files.createDirectories(folder.resolve("nested"));
        Files.copy(BERT.resolve("config.json"), folder.resolve("config.json"));
        Files.writeString(folder.resolve("nested/notes.txt"), "deep");
        Files.writeString(folder.resolve(".checkpoint"), "engine bookkeeping");
        // As a registration writes it: the job (gone here), the test metrics and the hyperparameters.
        ApiClient.Answer version = api.post("/api/v1/models/" + card.get("id") + "/versions",
                Map.of("artifactUri", folder.toUri().toString(), "lineage", Map.of("jobId", java.util.UUID.randomUUID().toString(),
                        "metrics", Map.of("accuracy", 0.91), "hyperparameters", Map.of("epochs", 3))));
        assertThat(version.status()).as(version.body()).isEqualTo(201);

        assertThat(api.get("/api/v1/models/" + card.get("id")).map()).containsEntry("hubRepoId", "modelcat/Support-tickets-v2");
        Map<String, Object> info = contributor.get("/hub/api/models/modelcat/Support-tickets-v2").map();
        assertThat(info).containsEntry("id", "modelcat/Support-tickets-v2");
        assertThat((String) info.get("sha")).matches("[0-9a-f]{40}");
        assertThat(contributor.get("/hub/api/models/modelcat/" + card.get("id")).map()).containsEntry("sha", info.get("sha"));
        assertThat(contributor.get("/hub/modelcat/support-tickets-v2/resolve/main/nested/notes.txt").body()).isEqualTo("deep");
        assertHubError(contributor.get("/hub/modelcat/support-tickets-v2/resolve/main/.checkpoint"), 404, "EntryNotFound");
        assertThat(contributor.get("/hub/api/models/modelcat/support-tickets-v2/tree/main/nested").list())
                .extracting(e -> e.get("path")).containsExactly("nested/notes.txt");
        assertHubError(contributor.get("/hub/api/models/modelcat/support-tickets-v2/tree/main/additional_chat_templates"),
                404, "EntryNotFound");
        // A fine-tune's folder has no model card: one is made from the catalog, with the metrics as the Hub's model-index.
        String readme = contributor.get("/hub/modelcat/support-tickets-v2/resolve/main/README.md").body();
        assertThat(readme).startsWith("---\nlicense: \"apache-2.0\"\n").contains("pipeline_tag: \"text-classification\"",
                "model-index:\n- name: \"Support-tickets-v2\"", "    - type: \"accuracy\"\n      value: 0.91\n      name: \"Accuracy\"",
                "- \"fine-tuned\"", "# Support tickets (v2)", "Hyperparameters: {\"epochs\":3}");
        assertThat(contributor.get("/hub/api/models/modelcat/support-tickets-v2/tree/main").list()).extracting(e -> e.get("path"))
                .containsExactly("README.md", "config.json", "nested");
        // The id stays the same: it is derived from the version, not from the time of asking.
        assertThat(contributor.get("/hub/api/models/modelcat/support-tickets-v2/revision/v1").map()).containsEntry("sha", info.get("sha"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLoraAdapterIsServedAsAPeftRepositoryNamingItsBaseByRepositoryAndRevision() throws Exception {
        Map<String, Object> baseVersion = api.get("/api/v1/models/" + modelId + "/versions").list().get(0);
        Path baseFolder = Path.of(java.net.URI.create((String) baseVersion.get("artifactUri")));
        // As the engine writes an adapter (LoraAdapters.save): peft's two files, the base named by its folder here.
        Path folder = Files.createDirectories(home.resolve("jobs/" + java.util.UUID.randomUUID() + "/output"));
        Files.writeString(folder.resolve("adapter_config.json"), "{\n  \"peft_type\" : \"LORA\",\n"
                + "  \"task_type\" : \"SEQ_CLS\",\n  \"base_model_name_or_path\" : \"" + baseFolder + "\",\n"
                + "  \"r\" : 8,\n  \"lora_alpha\" : 16.0,\n  \"target_modules\" : [ \"query\", \"value\" ]\n}");
        Files.write(folder.resolve("adapter_model.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ',
                ' ', ' ', ' ', ' '});
        Files.copy(BERT.resolve("tokenizer.json"), folder.resolve("tokenizer.json"));
        // As ModelSaver writes a classifier's adapter: the config with the fine-tune's labels beside it.
        Files.writeString(folder.resolve("config.json"), "{\"model_type\": \"bert\", \"architectures\": "
                + "[\"BertForSequenceClassification\"], \"id2label\": {\"0\": \"bug\", \"1\": \"question\", \"2\": \"praise\"}}");
        Map<String, Object> card = create(aModel("tiny-lora"));
        ApiClient.Answer version = api.post("/api/v1/models/" + card.get("id") + "/versions", Map.of(
                "artifactUri", folder.toUri().toString(), "parentVersionId", baseVersion.get("id"),
                "lineage", Map.of("jobId", java.util.UUID.randomUUID().toString(), "baseModelVersionId", baseVersion.get("id"),
                        "hyperparameters", Map.of("loraRank", 8))));
        assertThat(version.status()).as(version.body()).isEqualTo(201);
        // The base moves on: the adapter still names the version it was trained on.
        assertThat(api.upload("/api/v1/model-uploads?name=acme/tiny", "application/zip",
                aModelArchive().from(BERT).withReadme(README + "Newer.\n").zip(), true).status()).isEqualTo(201);

        ApiClient.Answer config = send(contributor, "GET", "/hub/modelcat/tiny-lora/resolve/main/adapter_config.json", null);
        assertThat(config.status()).as(config.body()).isEqualTo(200);
        byte[] served = config.body().getBytes(StandardCharsets.ISO_8859_1);
        Map<String, Object> json = new com.fasterxml.jackson.databind.ObjectMapper().readValue(served, Map.class);
        assertThat(json).containsEntry("base_model_name_or_path", "acme/tiny").containsEntry("revision", v1)
                .containsEntry("peft_type", "LORA").containsEntry("r", 8).containsEntry("target_modules", List.of("query", "value"));
        assertThat(config.body()).doesNotContain(baseFolder.toString()).doesNotContain(home.toString());
        assertThat(config.header("ETag")).isEqualTo("\"" + gitBlobId(served) + "\"");
        assertThat(config.header("X-Linked-Etag")).isNull();
        ApiClient.Answer head = send(contributor, "HEAD", "/hub/modelcat/tiny-lora/resolve/main/adapter_config.json", null);
        assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(served.length));
        assertThat(head.header("ETag")).isEqualTo(config.header("ETag"));
        ApiClient.Answer part = send(contributor, "GET", "/hub/modelcat/tiny-lora/resolve/main/adapter_config.json", "bytes=10-");
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).isEqualTo("bytes 10-" + (served.length - 1) + "/" + served.length);
        assertThat(part.body().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(Arrays.copyOfRange(served, 10, served.length));

        Map<String, Object> info = contributor.get("/hub/api/models/modelcat/tiny-lora?blobs=true").map();
        assertThat(info).containsEntry("library_name", "peft");
        assertThat((List<String>) info.get("tags")).contains("peft", "lora", "base_model:adapter:acme/tiny");
        assertThat((Map<String, Object>) info.get("cardData")).containsEntry("base_model", "acme/tiny")
                .containsEntry("library_name", "peft");
        Map<String, Object> sibling = ((List<Map<String, Object>>) info.get("siblings")).stream()
                .filter(s -> s.get("rfilename").equals("adapter_config.json")).findFirst().orElseThrow();
        assertThat(sibling).containsEntry("size", served.length).containsEntry("blobId", gitBlobId(served))
                .doesNotContainKey("lfs");
        assertThat(contributor.get("/hub/api/models/modelcat/tiny-lora/tree/main").list())
                .filteredOn(e -> e.get("path").equals("adapter_config.json"))
                .singleElement().satisfies(e -> assertThat(e).containsEntry("oid", gitBlobId(served)).containsEntry("size", served.length));
        assertThat((List<Map<String, Object>>) info.get("siblings")).extracting(s -> s.get("rfilename"))
                .containsExactly("README.md", "adapter_config.json", "adapter_model.safetensors", "config.json", "tokenizer.json");

        // The generated card is a PEFT repository's, as peft writes them.
        String readme = contributor.get("/hub/modelcat/tiny-lora/resolve/main/README.md").body();
        assertThat(readme).contains("library_name: \"peft\"\n", "base_model: \"acme/tiny\"\n", "- \"base_model:adapter:acme/tiny\"\n",
                "- \"lora\"\n", "- \"peft\"\n", "tuned = AutoConfig.from_pretrained(\"modelcat/tiny-lora\")",
                "AutoPeftModelForSequenceClassification.from_pretrained(\"modelcat/tiny-lora\", id2label=tuned.id2label,\n"
                        + "    label2id=tuned.label2id, ignore_mismatched_sizes=True)");
        assertThat(readme.substring(0, readme.indexOf("\n---\n"))).doesNotContain("library_name: \"transformers\"");

        // The model page's lines are the card's: peft's, by the adapter's files.
        Map<String, Object> python = contributor.get("/api/v1/models/" + card.get("id") + "/python").map();
        assertThat(python).containsEntry("repoId", "modelcat/tiny-lora").containsEntry("versionNumber", 1)
                .containsEntry("library", "peft");
        assertThat(readme).contains("```python\n" + python.get("python") + "```\n");
    }

    @Test
    void theModelPageGetsThePythonThatLoadsTheModelThroughTheHubApi() {
        ApiClient.Answer answer = contributor.get("/api/v1/models/" + modelId + "/python");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.map()).containsEntry("repoId", "acme/tiny").containsEntry("versionNumber", 1)
                .containsEntry("library", "transformers").containsEntry("python",
                        "from transformers import AutoModel\n\nmodel = AutoModel.from_pretrained(\"acme/tiny\")\n");

        Map<String, Object> empty = create(aModel("no-files-yet"));
        ApiClient.Answer none = contributor.get("/api/v1/models/" + empty.get("id") + "/python");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.body()).contains("no version with files yet");
        assertThat(contributor.get("/api/v1/models/" + java.util.UUID.randomUUID() + "/python").status()).isEqualTo(404);
        assertThat(contributor.get("/api/v1/models/not-an-id/python").errorFields()).containsExactly("id");
        // Loading downloads the files: a contributor's, as on the Hub API itself.
        assertThat(apiAs(Role.VIEWER).get("/api/v1/models/" + modelId + "/python").status()).isEqualTo(403);
    }

    @Test
    void aLegacyRepositoryIdWithoutAnOwnerIsServedUnderTheModelcatNamespace() throws Exception {
        Map<String, Object> body = aModel("gpt2");
        body.put("source", Map.of("type", "huggingface", "repo", "gpt2", "revision", "main"));
        Map<String, Object> card = create(body);
        Path folder = Files.createDirectories(home.resolve("legacy"));
        Files.copy(BERT.resolve("config.json"), folder.resolve("config.json"));
        assertThat(api.post("/api/v1/models/" + card.get("id") + "/versions",
                Map.of("artifactUri", folder.toUri().toString())).status()).isEqualTo(201);
        Map<String, Object> info = contributor.get("/hub/api/models/modelcat/gpt2").map();
        assertThat(info).containsEntry("id", "modelcat/gpt2").containsEntry("author", "modelcat");
    }

    private static void assertHubError(ApiClient.Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.header("X-Error-Code")).as(answer.body()).isEqualTo(code);
        assertThat(answer.header("X-Error-Message")).isNotBlank();
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }

    private static ApiClient.Answer send(ApiClient client, String method, String path, String range) {
        HttpRequest.Builder request = HttpRequest.newBuilder(client.uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (range != null) {
            request.header("Range", range);
        }
        return client.sendBytes(request);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String gitBlobId(Path file) throws Exception {
        return gitBlobId(Files.readAllBytes(file));
    }

    private static String gitBlobId(byte[] content) throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha1.digest(content));
    }
}
