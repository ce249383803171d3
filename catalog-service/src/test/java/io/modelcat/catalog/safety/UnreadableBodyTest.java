package io.modelcat.catalog.safety;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.CatalogTestBase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bodies and parameters the framework cannot read into their types (a string for a number, an object for a
 * string, an array for an object, JSON that is not JSON) answer 400 naming the field as the request wrote it, and
 * what was expected, on every endpoint: the same problem shape as a Bean Validation failure.
 */
@MicronautTest(transactional = false)
class UnreadableBodyTest extends CatalogTestBase {

    private static final String ID = "6f1d8a8e-9a56-4d4c-9a0e-6b8a6f1d8a8e";

    /** Asserts a 400 problem whose one error names {@code field} with {@code message}; returns its detail. */
    private static String assertInvalid(ApiClient.Answer answer, String field, String message) {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        Map<String, Object> problem = answer.map();
        assertThat(problem.get("errors")).as(answer.toString()).isEqualTo(List.of(Map.of("field", field, "message", message)));
        String detail = (String) problem.get("detail");
        assertThat(detail).startsWith("The request has invalid fields: " + field + ": " + message)
                .doesNotContain("Source:").doesNotContain("io.modelcat").doesNotContain("Failed to convert");
        return detail;
    }

    @Test
    void aFinetuneNamesNestedFieldsMapEntriesAndTheBody() {
        String detail = assertInvalid(api.post("/api/v1/finetunes", "{\"modelId\": \"" + ID + "\",\n"
                        + " \"hyperparameters\": {\"epochs\": \"three\"}}"),
                "hyperparameters.epochs", "expected an integer, got a string");
        assertThat(detail).endsWith("(at line 2, column 39)");
        assertInvalid(api.post("/api/v1/finetunes", "{\"hyperparameters\": {\"learningRate\": [0.1, 0.2]}}"),
                "hyperparameters.learningRate", "expected a number, got an array");
        assertInvalid(api.post("/api/v1/finetunes", "{\"hyperparameters\": 3}"), "hyperparameters",
                "expected an object, got a number");
        assertInvalid(api.post("/api/v1/finetunes", "{\"modelId\": \"latest\"}"), "modelId", "expected a UUID, got \"latest\"");
        assertInvalid(api.post("/api/v1/finetunes", "{\"mapping\": {\"sentence1\": {\"column\": \"review\"}}}"),
                "mapping[sentence1]", "expected a string, got an object");
        assertInvalid(api.post("/api/v1/finetunes", "{\"device\": {\"kind\": {}}}"), "device.kind",
                "expected a string, got an object");
        assertInvalid(api.post("/api/v1/finetunes", "{\"priority\": 99999999999}"), "priority",
                "expected an integer from -2147483648 to 2147483647, got 99999999999");
        assertInvalid(api.post("/api/v1/finetunes", "[{\"modelId\": \"" + ID + "\"}]"), "body",
                "expected an object, got an array");
        assertInvalid(api.post("/api/v1/finetunes", "\"fine-tune it\""), "body", "expected an object, got a string");
        assertInvalid(api.post("/api/v1/finetunes", ""), "body", "is required: expected an object");
        assertThat(api.get("/api/v1/jobs").items()).isEmpty();
    }

    @Test
    void aModelCardNamesArraysAndTheirElements() {
        assertInvalid(api.post("/api/v1/models", "{\"name\": \"m\", \"tags\": 5}"), "tags", "expected an array, got a number");
        assertInvalid(api.post("/api/v1/models", "{\"tags\": [\"english\", {\"lang\": \"de\"}]}"), "tags[1]",
                "expected a string, got an object");
        assertInvalid(api.post("/api/v1/models", "{\"finetuningTasks\": [\"text-classification\", true, [\"a\", \"b\"]]}"),
                "finetuningTasks[2]", "expected a string, got an array");
        assertInvalid(api.post("/api/v1/models", "{\"name\": {\"nested\": true}}"), "name", "expected a string, got an object");
        assertInvalid(api.post("/api/v1/models", "{\"task\": [1, 2]}"), "task", "expected a string, got an array");

        String id = (String) create(aModel("target")).get("id");
        assertInvalid(api.patch("/api/v1/models/" + id, "{\"version\": \"zero\"}"), "version", "expected an integer, got a string");
        assertInvalid(api.patch("/api/v1/models/" + id, "{\"version\": 0, \"tags\": {\"a\": 1}}"), "tags",
                "expected an array, got an object");
        assertThat(api.get("/api/v1/models/" + id).map()).containsEntry("version", 0).containsEntry("tags", List.of("english"));
        assertThat(api.get("/api/v1/models").items()).hasSize(1);
    }

    @Test
    void otherEndpointsAndParametersNameTheirFieldsToo() {
        assertInvalid(api.post("/api/v1/users", "{\"username\": {\"first\": \"ada\"}, \"role\": \"viewer\"}"), "username",
                "expected a string, got an object");
        assertInvalid(api.post("/api/v1/evaluations", "{\"batchSize\": \"many\"}"), "batchSize",
                "expected an integer, got a string");
        assertInvalid(api.get("/api/v1/models?limit=ten"), "limit", "expected an integer, got \"ten\"");
        assertInvalid(api.get("/api/v1/jobs?limit=1.5"), "limit", "expected an integer, got \"1.5\"");
    }

    @Test
    void malformedJsonSaysSoWithItsLineAndColumn() {
        ApiClient.Answer answer = api.post("/api/v1/models", "{\"name\": \"m\",\n  \"task\": \"text-classification\",,\n}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.errorFields()).containsExactly("body");
        assertThat((String) answer.map().get("detail")).startsWith("The request body is not valid JSON at line 2, column 33: ")
                .contains("was expecting double-quote to start field name").doesNotContain("Source:");

        ApiClient.Answer unclosed = api.post("/api/v1/finetunes", "{\"modelId\": \"" + ID + "\"");
        assertThat(unclosed.status()).isEqualTo(400);
        assertThat(unclosed.errorFields()).containsExactly("body");
        assertThat((String) unclosed.map().get("detail")).startsWith("The request body is not valid JSON at line 1, column ")
                .contains("end-of-input");
        assertThat(api.get("/api/v1/models").items()).isEmpty();
    }
}
