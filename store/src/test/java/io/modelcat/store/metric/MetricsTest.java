package io.modelcat.store.metric;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.jobs.DeviceRequest;
import io.modelcat.jobs.spec.NoopSpec;
import io.modelcat.store.StoreTestBase;
import io.modelcat.store.job.Jobs;
import io.modelcat.store.job.NewJob;
import io.modelcat.store.model.ModelFields;
import io.modelcat.store.model.ModelRow;
import io.modelcat.store.model.ModelVersions;
import io.modelcat.store.model.Models;
import io.modelcat.store.model.VersionRow;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What runners record and catalog-service reads back, in the real schema. */
class MetricsTest extends StoreTestBase {

    @Test
    void figuresComeBackPerJobAndModelLeavingOutWhatIsNotANumber() throws SQLException {
        ModelRow model = Models.insert(c, UUID.randomUUID(), new ModelFields("bert", null, "", "text-classification",
                List.of(), "mit", List.of(), null, null, "[]", "manual", null, null));
        VersionRow version = ModelVersions.add(c, model.id(),
                new ModelVersions.NewVersion(null, "file:///m", null, "{}", "")).version();
        UUID job = UUID.randomUUID();
        Jobs.insert(c, new NewJob(job, new NoopSpec(1, null, 0), model.id(), version.id(), DeviceRequest.cpu(), 0, 1,
                null, null));
        Metrics.Subject subject = new Metrics.Subject(job, version.id(), null, "text-classification");

        Metrics.record(c, subject, "train", Map.of("loss", 0.5), 1, null);
        Map<String, Double> finals = new LinkedHashMap<>();
        finals.put("accuracy", 0.75);
        finals.put("perplexity", Double.NaN);
        Metrics.record(c, subject, "test", finals, null, null);

        List<Metrics.Figure> figures = Metrics.ofJob(c, job);
        assertThat(figures).extracting(Metrics.Figure::name).containsExactly("loss", "accuracy");
        assertThat(figures.get(0).isFinal()).isFalse();
        assertThat(figures.get(1).isFinal()).isTrue();
        assertThat(Metrics.ofModel(c, model.id())).singleElement()
                .satisfies(f -> assertThat(f.versionNumber()).isEqualTo(1));
        assertThat(Metrics.finalTest(c, List.of(job))).containsEntry(job, Map.of("accuracy", 0.75));
        assertThat(Metrics.finalTest(c, List.of())).isEmpty();

        PredictionSamples.replace(c, job, List.of(new PredictionSamples.Sample(0, "{\"text\": \"a\"}", null, "\"pos\"")));
        PredictionSamples.replace(c, job, List.of(new PredictionSamples.Sample(1, "{\"text\": \"b\"}", "\"neg\"", "\"pos\"")));
        assertThat(PredictionSamples.of(c, job)).singleElement()
                .satisfies(s -> assertThat(s.rowIndex()).isEqualTo(1));
    }
}
