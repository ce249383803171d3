package io.modelcat.catalog.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.modelcat.catalog.ApiClient;
import io.modelcat.catalog.access.Role;
import io.modelcat.catalog.jobinput.MlJobTestBase;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Reading results through real HTTP. No runner runs here, so the rows a runner writes (job results,
 * metric, prediction_sample) are inserted with SQL as test data.
 */
@MicronautTest(transactional = false)
class MetricsApiTest extends MlJobTestBase {

    /** A succeeded job on the model's version (for a finetune job: the version it started from). */
    private UUID job(String kind, ImportedModel model) {
        UUID id = UUID.randomUUID();
        execute("INSERT INTO job (id, kind, state, model_id, model_version_id, params) VALUES (?, ?, 'succeeded', ?, ?, '{}'::jsonb)",
                id, kind, uuid(model.id()), uuid(model.versionId()));
        return id;
    }

    /** A succeeded finetune job that started from {@code base}; its figures are put on the registered version. */
    private UUID registeredFinetune(ImportedModel base) {
        return job("finetune", base);
    }

    private void metric(UUID job, ImportedModel model, String dataset, String split, String name, double value,
                        Integer step, Integer epoch, Instant at) {
        execute("""
                INSERT INTO metric (job_id, model_id, model_version_id, dataset_id, task, split, name, value, step, epoch, recorded_at)
                VALUES (?, ?, ?, ?, 'text-classification', ?, ?, ?, ?, ?, ?)""",
                job, uuid(model.id()), uuid(model.versionId()), dataset == null ? null : uuid(dataset), split, name,
                value, step, epoch, Timestamp.from(at));
    }

    private void finalTest(UUID job, ImportedModel model, String dataset, String name, double value, Instant at) {
        metric(job, model, dataset, "test", name, value, null, null, at);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aJobsMetricsAreSplitIntoFinalFiguresAndSeries() {
        ImportedModel model = importedModel("bert", "fill-mask", List.of("text-classification"), "mit");
        String dataset = reviews();
        UUID job = job("finetune", model);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        metric(job, model, dataset, "train", "loss", 0.9, 1, 1, t);
        metric(job, model, dataset, "train", "loss", 0.5, 2, 1, t.plusSeconds(1));
        metric(job, model, dataset, "validation", "accuracy", 0.75, null, 1, t.plusSeconds(2));
        finalTest(job, model, dataset, "accuracy", 0.8, t.plusSeconds(3));
        finalTest(job, model, dataset, "f1_macro", 0.7, t.plusSeconds(3));

        ApiClient.Answer answer = api.get("/api/v1/jobs/" + job + "/metrics");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat((List<Map<String, Object>>) answer.map().get("final")).containsExactly(
                Map.of("split", "test", "name", "accuracy", "value", 0.8),
                Map.of("split", "test", "name", "f1_macro", "value", 0.7));
        List<Map<String, Object>> series = (List<Map<String, Object>>) answer.map().get("series");
        assertThat(series).extracting(p -> p.get("split"), p -> p.get("name"), p -> p.get("step"), p -> p.get("epoch"), p -> p.get("value"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("train", "loss", 1, 1, 0.9),
                        org.assertj.core.groups.Tuple.tuple("train", "loss", 2, 1, 0.5),
                        org.assertj.core.groups.Tuple.tuple("validation", "accuracy", null, 1, 0.75));
        assertThat(series.get(0)).containsEntry("recordedAt", "2026-01-01T00:00:00Z");

        assertThat(api.get("/api/v1/jobs/" + UUID.randomUUID() + "/metrics").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/jobs/nope/metrics").errorFields()).containsExactly("id");
    }

    @Test
    void predictionsComeAsJsonOrAsCsv() throws Exception {
        ImportedModel model = importedModel("bert", "text-classification", List.of(), "mit");
        UUID job = job("evaluate", model);
        execute("INSERT INTO prediction_sample (job_id, row_index, input, expected, predicted) VALUES (?, 1, ?::jsonb, ?::jsonb, ?::jsonb)",
                job, "{\"sentence1\": \"meh, \\\"fine\\\"\"}", "\"neutral\"", "\"positive\"");
        execute("INSERT INTO prediction_sample (job_id, row_index, input, expected, predicted) VALUES (?, 0, ?::jsonb, ?::jsonb, ?::jsonb)",
                job, "{\"sentence1\": \"two\\nlines\"}", "\"negative\"", "\"negative\"");

        ApiClient.Answer json = api.get("/api/v1/jobs/" + job + "/predictions");
        assertThat(json.status()).as(json.toString()).isEqualTo(200);
        assertThat(json.list()).containsExactly(
                Map.of("rowIndex", 0, "input", Map.of("sentence1", "two\nlines"), "expected", "negative", "predicted", "negative"),
                Map.of("rowIndex", 1, "input", Map.of("sentence1", "meh, \"fine\""), "expected", "neutral", "predicted", "positive"));

        String csv = "row_index,input.sentence1,expected,predicted\r\n"
                + "0,\"two\nlines\",negative,negative\r\n"
                + "1,\"meh, \"\"fine\"\"\",neutral,positive\r\n";
        HttpResponse<String> byAccept = http.send(HttpRequest.newBuilder(
                embeddedServer.getURI().resolve("/api/v1/jobs/" + job + "/predictions")).header("Accept", "text/csv")
                        .header("Authorization", "Bearer " + account(Role.ADMIN).token()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(byAccept.statusCode()).isEqualTo(200);
        assertThat(byAccept.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(byAccept.headers().firstValue("Content-Disposition").orElse(""))
                .isEqualTo("attachment; filename=\"predictions-" + job + ".csv\"");
        assertThat(byAccept.body()).isEqualTo(csv);

        ApiClient.Answer byQuery = api.get("/api/v1/jobs/" + job + "/predictions?format=csv");
        assertThat(byQuery.status()).isEqualTo(200);
        assertThat(byQuery.body()).isEqualTo(csv);
        assertThat(api.get("/api/v1/jobs/" + job + "/predictions?format=xml").errorFields()).containsExactly("format");
        assertThat(api.get("/api/v1/jobs/" + UUID.randomUUID() + "/predictions").status()).isEqualTo(404);
    }

    @Test
    void aModelsTestMetricsCoverEachVersionAndDataset() {
        ImportedModel model = importedModel("bert", "text-classification", List.of("text-classification"), "mit");
        ImportedModel other = importedModel("other", "text-classification", List.of(), "mit");
        String dataset = reviews();
        UUID job = job("evaluate", model);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        finalTest(job, model, dataset, "accuracy", 0.8, t);
        metric(job, model, dataset, "validation", "accuracy", 0.6, null, null, t);
        metric(job, model, dataset, "train", "loss", 0.6, 3, null, t);
        finalTest(job("evaluate", other), other, dataset, "accuracy", 0.5, t);
        finalTest(job("finetune", model), model, dataset, "accuracy", 0.99, t);

        ApiClient.Answer answer = api.get("/api/v1/models/" + model.id() + "/metrics");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.list()).containsExactly(Map.of("jobId", job.toString(), "modelVersionId", model.versionId(),
                "versionNumber", 1, "datasetId", dataset, "datasetName", "reviews.csv", "task", "text-classification",
                "name", "accuracy", "value", 0.8, "recordedAt", "2026-01-01T00:00:00Z"));
        assertThat(api.get("/api/v1/models/" + UUID.randomUUID() + "/metrics").status()).isEqualTo(404);
    }

    @Test
    void theLeaderboardRanksVersionsBestFirstWithTheirOtherMetrics() {
        String dataset = reviews();
        String otherDataset = reviews();
        ImportedModel a = importedModel("alpha", "text-classification", List.of(), "mit");
        ImportedModel b = importedModel("beta", "text-classification", List.of(), "mit");
        ImportedModel c = importedModel("gamma", "text-classification", List.of(), "mit");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        UUID jobA = job("evaluate", a);
        finalTest(jobA, a, dataset, "accuracy", 0.7, t);
        finalTest(jobA, a, dataset, "f1_macro", 0.65, t);
        UUID oldB = job("evaluate", b);
        finalTest(oldB, b, dataset, "accuracy", 0.99, t);
        UUID jobB = job("evaluate", b);
        finalTest(jobB, b, dataset, "accuracy", 0.9, t.plusSeconds(60));
        finalTest(jobB, b, dataset, "f1_macro", 0.85, t.plusSeconds(60));
        UUID jobC = registeredFinetune(a);
        finalTest(jobC, c, dataset, "accuracy", 0.8, t);
        metric(jobC, c, dataset, "validation", "accuracy", 1.0, null, 2, t);
        finalTest(job("evaluate", a), a, otherDataset, "accuracy", 1.0, t);

        // A finetune job not registered yet: its figures sit on the version it started from, and do not count.
        UUID unregistered = job("finetune", a);
        finalTest(unregistered, a, dataset, "accuracy", 0.95, t.plusSeconds(120));

        ApiClient.Answer answer = api.get("/api/v1/leaderboard?datasetId=" + dataset + "&task=text-classification&metric=accuracy");

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        List<Map<String, Object>> rows = answer.list();
        assertThat(rows).extracting(r -> r.get("rank"), r -> r.get("modelName"), r -> r.get("value"), r -> r.get("jobId"))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "beta", 0.9, jobB.toString()),
                        org.assertj.core.groups.Tuple.tuple(2, "gamma", 0.8, jobC.toString()),
                        org.assertj.core.groups.Tuple.tuple(3, "alpha", 0.7, jobA.toString()));
        assertThat(rows.get(0)).containsEntry("modelId", b.id()).containsEntry("modelVersionId", b.versionId())
                .containsEntry("versionNumber", 1).containsEntry("jobKind", "evaluate").containsEntry("metric", "accuracy")
                .containsEntry("metrics", Map.of("accuracy", 0.9, "f1_macro", 0.85));
        assertThat(rows.get(1)).containsEntry("jobKind", "finetune").containsEntry("metrics", Map.of("accuracy", 0.8));
    }

    @Test
    void perplexityAndLossRankLowestFirst() {
        String dataset = reviews();
        ImportedModel a = importedModel("alpha", "text-generation", List.of(), "mit");
        ImportedModel b = importedModel("beta", "text-generation", List.of(), "mit");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        finalTest(job("evaluate", a), a, dataset, "perplexity", 30.0, t);
        finalTest(job("evaluate", b), b, dataset, "perplexity", 12.5, t);

        ApiClient.Answer answer = api.get("/api/v1/leaderboard?datasetId=" + dataset + "&task=text-classification&metric=perplexity");

        assertThat(answer.list()).extracting(r -> r.get("modelName")).containsExactly("beta", "alpha");
    }

    @Test
    void theLeaderboardNamesMissingParameters() {
        ApiClient.Answer answer = api.get("/api/v1/leaderboard");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorFields()).containsExactly("datasetId", "task", "metric");
        assertThat(api.get("/api/v1/leaderboard?datasetId=x&task=t&metric=m").errorFields()).containsExactly("datasetId");
        assertThat(api.get("/api/v1/leaderboard?datasetId=" + UUID.randomUUID() + "&task=t&metric=m&limit=0")
                .errorFields()).containsExactly("limit");
    }
}
