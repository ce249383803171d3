package io.modelcat.catalog.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dataset API through real HTTP and a real PostgreSQL: uploads, previews, mapping checks, refusals. */
@MicronautTest(transactional = false)
class DatasetApiTest extends DatasetTestBase {

    static final String CSV = "sentence1,label\r\n"
            + "\"great, really great\",positive\r\n"
            + "\"she said \"\"meh\"\"\",neutral\r\n"
            + "\"two\nlines\",negative\r\n";

    @Override
    public Map<String, String> getProperties() {
        Map<String, String> properties = super.getProperties();
        properties.put("modelcat.datasets.max-record-size", "4KB");
        return properties;
    }

    @Test
    @SuppressWarnings("unchecked")
    void uploadsACsvFileAndReadsItBack() throws Exception {
        ApiClient.Answer created = upload("?name=reviews", "text/csv", CSV);

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Map<String, Object> dataset = created.map();
        String id = (String) dataset.get("id");
        assertThat(dataset).containsEntry("name", "reviews").containsEntry("format", "csv")
                .containsEntry("rowCount", 3).containsEntry("badRowCount", 0)
                .containsEntry("sizeBytes", CSV.getBytes(StandardCharsets.UTF_8).length);
        assertThat((List<Map<String, Object>>) dataset.get("columns")).containsExactly(
                Map.of("name", "sentence1", "type", "string", "missing", 0),
                Map.of("name", "label", "type", "string", "missing", 0));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(CSV.getBytes(StandardCharsets.UTF_8)));
        assertThat(dataset).containsEntry("sha256", sha);

        Path stored = datasetsDir().resolve(id + ".csv");
        assertThat(storedFiles()).containsExactly(stored);
        assertThat(Files.readString(stored)).isEqualTo(CSV);

        assertThat(api.get("/api/v1/datasets/" + id).map()).isEqualTo(dataset);
        ApiClient.Answer preview = api.get("/api/v1/datasets/" + id + "/preview");
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.map().get("columns")).isEqualTo(List.of("sentence1", "label"));
        assertThat((List<Map<String, Object>>) preview.map().get("rows")).containsExactly(
                Map.of("sentence1", "great, really great", "label", "positive"),
                Map.of("sentence1", "she said \"meh\"", "label", "neutral"),
                Map.of("sentence1", "two\nlines", "label", "negative"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void uploadsTsvAndJsonLinesWithTheirTypes() {
        ApiClient.Answer tsv = upload("?name=pairs.tsv", "application/octet-stream", "source\ttarget\nhello\tbonjour\n");
        assertThat(tsv.status()).as(tsv.toString()).isEqualTo(201);
        assertThat(tsv.map()).containsEntry("format", "tsv").containsEntry("rowCount", 1);

        String jsonl = """
                {"tokens": ["New", "York"], "ner_tags": ["B-LOC", "I-LOC"], "n": 1}
                {"tokens": ["Hi"], "ner_tags": ["O"], "n": 2.5}
                """;
        ApiClient.Answer created = upload("?name=ner", "application/x-ndjson", jsonl);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat((List<Map<String, Object>>) created.map().get("columns")).extracting(c -> c.get("type"))
                .containsExactly("list<string>", "list<string>", "number");
        Map<String, Object> preview = api.get("/api/v1/datasets/" + created.map().get("id") + "/preview").map();
        assertThat(((List<Map<String, Object>>) preview.get("rows")).get(0))
                .containsEntry("tokens", List.of("New", "York")).containsEntry("n", 1);

        ApiClient.Answer json = upload("?name=qa&format=json", "application/json",
                "[{\"question\": \"Who?\", \"context\": \"Ada did.\", \"answers\": {\"text\": [\"Ada\"], \"answer_start\": [0]}}]");
        assertThat(json.status()).as(json.toString()).isEqualTo(201);
        assertThat(json.map()).containsEntry("format", "json");
        ApiClient.Answer squad = api.post("/api/v1/datasets/" + json.map().get("id") + "/mapping-check",
                Map.of("task", "question-answering"));
        assertThat(squad.status()).as(squad.toString()).isEqualTo(200);
        assertThat(squad.map().get("mapping")).isEqualTo(Map.of("question", "question", "context", "context", "answers", "answers"));

        List<Map<String, Object>> items = api.get("/api/v1/datasets").items();
        assertThat(items).extracting(d -> d.get("name")).containsExactly("qa", "ner", "pairs.tsv");
    }

    @Test
    @SuppressWarnings("unchecked")
    void checksAColumnMapping() {
        String id = (String) upload("?name=reviews", "text/csv", CSV).map().get("id");

        ApiClient.Answer ok = api.post("/api/v1/datasets/" + id + "/mapping-check",
                Map.of("task", "text-classification", "mapping", Map.of("sentence1", "sentence1")));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.map()).containsEntry("task", "text-classification")
                .containsEntry("mapping", Map.of("sentence1", "sentence1", "label", "label"));

        ApiClient.Answer missing = api.post("/api/v1/datasets/" + id + "/mapping-check",
                Map.of("task", "text-classification", "mapping", Map.of("sentence1", "text", "sentence2", "label")));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.errorFields()).containsExactly("mapping.sentence1");
        assertThat(missing.body()).contains("names column 'text', which the dataset does not have; its columns are: "
                + "sentence1 (string), label (string)");

        ApiClient.Answer wrongType = api.post("/api/v1/datasets/" + id + "/mapping-check",
                Map.of("task", "token-classification", "mapping", Map.of("tokens", "sentence1", "ner_tags", "label")));
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorFields()).containsExactly("mapping.tokens", "mapping.ner_tags");
        assertThat(wrongType.body()).contains("needs a column of type list<string>, but column 'sentence1' is string");

        ApiClient.Answer unknownTask = api.post("/api/v1/datasets/" + id + "/mapping-check", Map.of("task", "image-segmentation"));
        assertThat(unknownTask.status()).isEqualTo(400);
        assertThat(unknownTask.errorFields()).containsExactly("task");

        ApiClient.Answer noTask = api.post("/api/v1/datasets/" + id + "/mapping-check", Map.of("mapping", Map.of()));
        assertThat(noTask.status()).isEqualTo(400);
        assertThat(noTask.body()).contains("task");
    }

    @Test
    void refusesMalformedCsvNamingTheLineAndKeepsNothing() throws Exception {
        ApiClient.Answer unclosed = upload("?name=bad", "text/csv", "a,b\n1,2\n\"open,3\n");
        assertThat(unclosed.status()).isEqualTo(400);
        assertThat(unclosed.errorFields()).containsExactly("body");
        assertThat(unclosed.body()).contains("line 3: a quoted field of the record starting here is never closed");

        ApiClient.Answer ragged = upload("?name=bad", "text/csv", "a,b\n1,2\n1,2,3\n4\n");
        assertThat(ragged.status()).isEqualTo(400);
        assertThat(ragged.body()).contains("2 of 3 records cannot be read as csv")
                .contains("line 3: has 3 fields but the header has 2 columns")
                .contains("line 4: has 1 field but the header has 2 columns");
        assertNothingKept();
    }

    @Test
    void refusesMalformedJsonLinesNamingTheLine() throws Exception {
        ApiClient.Answer answer = upload("?name=bad", "application/jsonl", "{\"a\": 1}\n{\"a\": oops}\n{\"a\": 3}\n");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("line 2: is not valid JSON");
        assertNothingKept();
    }

    @Test
    void refusesEmptyFilesAndFilesWithoutRows() throws Exception {
        ApiClient.Answer empty = upload("?name=empty", "text/csv", "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("the file is empty");
        ApiClient.Answer headerOnly = upload("?name=header", "text/csv", "a,b\n");
        assertThat(headerOnly.status()).isEqualTo(400);
        assertThat(headerOnly.body()).contains("the file has a header but no rows");
        assertNothingKept();
    }

    @Test
    void refusesFilesThatAreNotUtf8() throws Exception {
        ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
        latin1.writeBytes("text,label\ncaf".getBytes(StandardCharsets.US_ASCII));
        latin1.write(0xE9);
        latin1.writeBytes(",1\n".getBytes(StandardCharsets.US_ASCII));
        ApiClient.Answer answer = upload("?name=latin1", "text/csv", latin1.toByteArray(), true);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("line 2: is not valid UTF-8: byte 4 of the line (0xE9)");

        ApiClient.Answer declared = upload("?name=latin1", "text/csv; charset=ISO-8859-1", "a\nb\n");
        assertThat(declared.status()).isEqualTo(400);
        assertThat(declared.errorFields()).containsExactly("Content-Type");
        assertNothingKept();
    }

    @Test
    void refusesAHugeLine() throws Exception {
        ApiClient.Answer answer = upload("?name=huge", "text/csv", "a\n" + "x".repeat(10_000) + "\n");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).contains("line 2: is longer than the limit of 4096 bytes per line or record");
        assertNothingKept();
    }

    @Test
    void needsANameAndAKnownFormat() throws Exception {
        ApiClient.Answer noName = upload("", "text/csv", CSV);
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.errorFields()).containsExactly("name");
        ApiClient.Answer unknown = upload("?name=x&format=parquet", "application/octet-stream", CSV);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorFields()).containsExactly("format");
        ApiClient.Answer unsure = upload("?name=x", "application/octet-stream", CSV);
        assertThat(unsure.status()).isEqualTo(400);
        assertThat(unsure.errorFields()).containsExactly("format");
        assertNothingKept();
    }

    @Test
    void unknownIdsAnswer404AndMalformedIds400() {
        String unknown = "/api/v1/datasets/3f2b1c4e-8d8a-4b7e-9c1d-2a6f0e5b7c9d";
        assertThat(api.get(unknown).status()).isEqualTo(404);
        assertThat(api.get(unknown + "/preview").status()).isEqualTo(404);
        assertThat(api.delete(unknown).status()).isEqualTo(404);
        ApiClient.Answer check = api.post(unknown + "/mapping-check", Map.of("task", "summarization"));
        assertThat(check.status()).isEqualTo(404);
        assertThat(check.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/v1/datasets/nope").errorFields()).containsExactly("id");
    }

    @Test
    void deletesTheRowAndTheFile() throws Exception {
        String id = (String) upload("?name=reviews", "text/csv", CSV).map().get("id");
        assertThat(storedFiles()).hasSize(1);

        assertThat(api.delete("/api/v1/datasets/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/datasets/" + id).status()).isEqualTo(404);
        assertNothingKept();
    }

    @Test
    void pagesTheListNewestFirst() {
        for (int i = 0; i < 5; i++) {
            assertThat(upload("?name=d" + i, "text/csv", CSV).status()).isEqualTo(201);
        }
        Map<String, Object> first = api.get("/api/v1/datasets?limit=2").map();
        assertThat(api.get("/api/v1/datasets?limit=2").items()).extracting(d -> d.get("name")).containsExactly("d4", "d3");
        String cursor = (String) first.get("nextCursor");
        Map<String, Object> second = api.get("/api/v1/datasets?limit=2&cursor=" + cursor).map();
        Map<String, Object> third = api.get("/api/v1/datasets?limit=2&cursor=" + second.get("nextCursor")).map();
        assertThat(third.get("nextCursor")).isNull();
        assertThat(api.get("/api/v1/datasets?limit=0").errorFields()).containsExactly("limit");
        assertThat(api.get("/api/v1/datasets?cursor=garbage").errorFields()).containsExactly("cursor");
    }

    @Test
    void streamsUploadsLargerThanTheInMemoryBodyLimit() throws Exception {
        // 12 MB: more than micronaut.server.max-request-buffer-size (10 MB), so it only works streamed.
        StringBuilder csv = new StringBuilder("sentence1,label\n");
        while (csv.length() < 12 * 1024 * 1024) {
            csv.append("a line of text long enough to fill the file quickly,").append(csv.length() % 3).append('\n');
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);

        ApiClient.Answer withLength = upload("?name=big", "text/csv", bytes, true);
        assertThat(withLength.status()).as(withLength.toString()).isEqualTo(201);
        assertThat(withLength.map()).containsEntry("sizeBytes", bytes.length);
        ApiClient.Answer chunked = upload("?name=big-chunked", "text/csv", bytes, false);
        assertThat(chunked.status()).as(chunked.toString()).isEqualTo(201);
    }

    @Test
    void jsonBodiesAreStillHeldToTheInMemoryLimit() {
        // Raising max-request-size for uploads must not let an 11 MB JSON body be buffered.
        String description = "x".repeat(11 * 1024 * 1024);
        ApiClient.Answer answer = send(java.net.http.HttpRequest.newBuilder(uri("/api/v1/models"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"name\": \"big\", \"description\": \"" + description + "\"}")));
        assertThat(answer.status()).isEqualTo(413);
    }
}
