package io.modelcat.catalog.upload;

import static io.modelcat.testsupport.ModelArchives.aModelArchive;
import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import io.modelcat.testsupport.Fixtures;
import io.modelcat.testsupport.ModelArchives;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Uploading a model archive: the card and version it makes, and every refusal leaving nothing behind. */
@MicronautTest(transactional = false)
class ModelUploadApiTest extends CatalogTestBase {

    private static final String README = """
            ---
            license: MIT
            pipeline_tag: text-classification
            base_model: google-bert/bert-base-uncased
            datasets:
              - stanfordnlp/imdb
            tags:
              - english
              - sentiment
            ---
            # Tiny sentiment

            A **tiny** BERT that classifies reviews.
            """;

    private ApiClient.Answer upload(String query, String contentType, byte[] archive) {
        return api.upload("/api/v1/model-uploads" + query, contentType, archive, true);
    }

    private static ModelArchives bert() {
        return aModelArchive().from(Fixtures.model("bert"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aZipOfAModelFolderBecomesACardFilledFromItsConfigAndModelCard() throws Exception {
        ApiClient.Answer answer = upload("?name=acme/tiny-sentiment", "application/zip",
                bert().withReadme(README).with("notes/todo.txt", "not part of a model").inFolder("tiny-sentiment").zip());

        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        Map<String, Object> uploaded = answer.map();
        assertThat(uploaded).containsEntry("repoId", "acme/tiny-sentiment").containsEntry("versionNumber", 1)
                .containsEntry("created", true).containsEntry("task", "text-classification");
        assertThat((List<String>) uploaded.get("finetuningTasks"))
                .containsExactly("text-classification", "token-classification", "question-answering");
        assertThat((String) uploaded.get("revision")).matches("[0-9a-f]{40}");
        List<Map<String, Object>> files = (List<Map<String, Object>>) uploaded.get("files");
        assertThat(files).extracting(f -> f.get("name"))
                .containsExactly("README.md", "config.json", "model.safetensors", "tokenizer.json");
        Path weights = Fixtures.model("bert").resolve("model.safetensors");
        assertThat(files.get(2)).containsEntry("sha256", sha256(weights))
                .containsEntry("size", (int) Files.size(weights));

        Map<String, Object> card = api.get("/api/v1/models/" + uploaded.get("modelId")).map();
        assertThat(card).containsEntry("name", "tiny-sentiment").containsEntry("publisher", "acme")
                .containsEntry("hubRepoId", "acme/tiny-sentiment")
                .containsEntry("license", "mit").containsEntry("status", "ready")
                .containsEntry("architecture", "BertForSequenceClassification");
        assertThat((List<String>) card.get("tags")).containsExactly("english", "sentiment");
        assertThat((String) card.get("description")).startsWith("# Tiny sentiment").doesNotContain("pipeline_tag");
        assertThat((Map<String, Object>) card.get("source")).containsEntry("type", "upload")
                .containsEntry("repo", "acme/tiny-sentiment");

        Map<String, Object> version = api.get("/api/v1/models/" + uploaded.get("modelId") + "/versions").list().get(0);
        Map<String, Object> lineage = (Map<String, Object>) version.get("lineage");
        assertThat(lineage).containsEntry("source", "upload").containsEntry("uploadedBy", "test-admin")
                .containsEntry("baseModel", List.of("google-bert/bert-base-uncased"))
                .containsEntry("datasets", List.of("stanfordnlp/imdb"));
        Path folder = Path.of(java.net.URI.create((String) version.get("artifactUri")));
        assertThat(folder).startsWith(home.resolve("models/uploaded/models--acme--tiny-sentiment"));
        assertThat(Files.readAllBytes(folder.resolve("model.safetensors"))).isEqualTo(Files.readAllBytes(weights));
        assertThat(folder.resolve("notes")).doesNotExist();
        assertThat(incoming()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSameFilesAgainChangeNothingAndOtherFilesMakeTheNextVersion() {
        byte[] first = bert().withReadme(README).tarGz();
        ApiClient.Answer one = upload("?name=acme/tiny", "application/gzip", first);
        assertThat(one.status()).as(one.body()).isEqualTo(201);
        // Files that are not part of a model (pickles, notes) are not kept, so they do not make another revision.
        ApiClient.Answer again = upload("?name=acme/tiny&format=tar.gz", "application/octet-stream",
                bert().withReadme(README).with("pytorch_model.bin", new byte[] {1, 2, 3}).with("notes/todo.txt", "x").tarGz());
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.map()).containsEntry("created", false).containsEntry("versionNumber", 1)
                .containsEntry("revision", one.map().get("revision"));
        assertThat((List<Map<String, Object>>) again.map().get("files")).extracting(f -> f.get("name"))
                .doesNotContain("pytorch_model.bin", "notes/todo.txt");

        // A plain tar (what the UI makes of a dropped folder) of the same files is the same revision too.
        ApiClient.Answer plain = upload("?name=acme/tiny", "application/x-tar", bert().withReadme(README).tar());
        assertThat(plain.status()).as(plain.body()).isEqualTo(201);
        assertThat(plain.map()).containsEntry("created", false).containsEntry("revision", one.map().get("revision"));

        ApiClient.Answer two = upload("?name=acme/tiny", "application/zip",
                bert().withReadme(README.replace("MIT", "apache-2.0")).zip());
        assertThat(two.status()).as(two.body()).isEqualTo(201);
        assertThat(two.map()).containsEntry("created", true).containsEntry("versionNumber", 2)
                .containsEntry("modelId", one.map().get("modelId"));
        assertThat(api.get("/api/v1/models/" + one.map().get("modelId")).map()).containsEntry("license", "apache-2.0");
        assertThat(api.get("/api/v1/models/" + one.map().get("modelId") + "/versions").list()).hasSize(2);
    }

    @Test
    void aCardWithoutPipelineTagTakesTheTaskFromTheArchitecture() {
        ApiClient.Answer answer = upload("?name=acme/gpt", "application/zip",
                aModelArchive().from(Fixtures.model("gpt2")).zip());
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(answer.map()).containsEntry("task", "text-generation");
        assertThat(api.get("/api/v1/models/" + answer.map().get("modelId")).map()).containsEntry("license", "unknown");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMarianFolderKeepsItsSentencePieceFilesInPlaceOfTokenizerJson() {
        ApiClient.Answer answer = upload("?name=acme/opus-mt-tiny", "application/zip",
                aModelArchive().from(Fixtures.model("marian")).withReadme("---\npipeline_tag: translation\n---\n").zip());

        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(answer.map()).containsEntry("task", "translation");
        assertThat((List<Map<String, Object>>) answer.map().get("files")).extracting(f -> f.get("name"))
                .contains("source.spm", "target.spm", "vocab.json", "tokenizer_config.json")
                .doesNotContain("tokenizer.json");
        assertRefused(upload("?name=acme/opus-mt-broken", "application/zip", aModelArchive()
                .from(Fixtures.model("marian")).withReadme("---\npipeline_tag: translation\n---\n").without("vocab.json").zip()),
                "file", "source.spm, target.spm, vocab.json");
    }

    @Test
    void everyRefusalNamesTheFieldAndLeavesNothingBehind() {
        byte[] good = bert().zip();
        assertRefused(upload("", "application/zip", good), "name", "required");
        assertRefused(upload("?name=tiny", "application/zip", good), "name", "owner/name");
        assertRefused(upload("?name=acme/../x", "application/zip", good), "name", "not valid");
        assertRefused(upload("?name=acme/x&format=rar", "application/zip", good), "format", "expected zip, tar.gz or tar");
        assertRefused(upload("?name=acme/x", "application/zip", "not an archive".getBytes(StandardCharsets.UTF_8)),
                "file", "neither a zip nor");
        assertRefused(upload("?name=acme/x", "application/zip", new byte[0]), "file", "no body");
        assertRefused(upload("?name=acme/x", "application/zip", bert().without("model.safetensors")
                .with("pytorch_model.bin", new byte[] {1}).zip()), "file", "pickle");
        assertRefused(upload("?name=acme/x", "application/zip", bert().without("model.safetensors").zip()),
                "file", "safetensors");
        assertRefused(upload("?name=acme/x", "application/zip", bert().without("config.json").zip()), "file", "config.json");
        assertRefused(upload("?name=acme/x", "application/zip", bert().with("config.json", "{not json").zip()),
                "file", "config.json is not valid JSON");
        assertRefused(upload("?name=acme/x", "application/zip", bert().without("tokenizer.json").zip()),
                "file", "tokenizer.json");
        assertRefused(upload("?name=acme/x", "application/zip",
                bert().withReadme("---\npipeline_tag: image-classification\n---\n").zip()), "file", "image-classification");
        assertRefused(upload("?name=acme/x", "application/zip",
                bert().withReadme("---\nlicense: [unclosed\n---\n").zip()), "file", "README.md");
        assertRefused(upload("?name=acme/x", "application/zip", bert().with("../escape.txt", "x").zip()),
                "file", "not allowed");
        assertRefused(upload("?name=acme/x", "application/gzip", bert().withLink("vocab.txt", "/etc/passwd").tarGz()),
                "file", "link");
        byte[] truncated = java.util.Arrays.copyOf(bert().tarGz(), 2000);
        assertRefused(upload("?name=acme/x", "application/gzip", truncated), "file", "truncated");

        assertThat(api.get("/api/v1/models?q=acme").items()).isEmpty();
        assertThat(incoming()).isEmpty();
        assertThat(home.resolve("models/uploaded/models--acme--x")).doesNotExist();
    }

    @Test
    void anUploadCutOffHalfWayLeavesNothingBehind() throws Exception {
        byte[] archive = bert().zip();
        java.net.URI base = api.uri("/");
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/model-uploads?name=acme/cut HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + account(io.modelcat.catalog.access.Role.CONTRIBUTOR).token() + "\r\n"
                    + "Content-Type: application/zip\r\nContent-Length: " + archive.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(archive, 0, archive.length / 2);
            out.flush();
            Thread.sleep(300);
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (!incoming().isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(incoming()).isEmpty();
        assertThat(home.resolve("models/uploaded/models--acme--cut")).doesNotExist();
        assertThat(api.get("/api/v1/models?q=cut").items()).isEmpty();
    }

    private List<Path> incoming() {
        Path dir = home.resolve("models/uploaded/.incoming");
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertRefused(ApiClient.Answer answer, String field, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.errorFields()).as(answer.body()).containsExactly(field);
        assertThat(answer.body()).contains(message);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
