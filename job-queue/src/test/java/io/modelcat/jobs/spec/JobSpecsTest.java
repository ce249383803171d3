package io.modelcat.jobs.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcat.datasets.DatasetFormat;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.task.Task;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobSpecsTest {

    private static final UUID VERSION = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    private static final UUID DATASET = UUID.fromString("00000000-0000-0000-0000-0000000000bb");

    @Test
    void everyKindHasASpecAndAResultType() {
        for (JobKind kind : JobKind.values()) {
            assertThat(JobSpecs.specType(kind)).as("spec of %s", kind).isNotNull();
            assertThat(JobSpecs.resultType(kind)).as("result of %s", kind).isNotNull();
        }
    }

    @Test
    void aFinetuneSpecRoundTripsThroughItsJson() {
        FinetuneSpec spec = new FinetuneSpec(Task.TEXT_CLASSIFICATION, VERSION, "file:///models/x",
                new DatasetRef(DATASET, "a/b.csv", DatasetFormat.CSV), null, null,
                Map.of("sentence1", "review", "label", "stars"), Hyperparameters.defaults());
        String json = JobSpecs.write(spec);
        assertThat(json).contains("\"task\":\"text-classification\"").contains("\"format\":\"csv\"");
        assertThat(JobSpecs.readSpec(JobKind.FINETUNE, json)).isEqualTo(spec);
    }

    /** Rows written before the contract was typed hold the same JSON; they must still be read. */
    @Test
    void readsTheParamsThatEarlierVersionsWrote() {
        String earlier = """
                {"task": "text-classification", "modelVersionId": "00000000-0000-0000-0000-0000000000aa",
                 "artifactUri": "file:///models/x",
                 "train": {"id": "00000000-0000-0000-0000-0000000000bb", "storagePath": "a/b.csv", "format": "csv"},
                 "validation": null, "test": null, "mapping": {"sentence1": "review", "label": "stars"},
                 "hyperparameters": {"epochs": 4, "batchSize": 8, "learningRate": 0.003, "weightDecay": 0.01,
                   "warmupRatio": 0.1, "maxGradNorm": 1.0, "seed": 3, "maxSequenceLength": 64,
                   "earlyStoppingPatience": null}}""";
        FinetuneSpec spec = (FinetuneSpec) JobSpecs.readSpec(JobKind.FINETUNE, earlier);
        assertThat(spec.task()).isEqualTo(Task.TEXT_CLASSIFICATION);
        assertThat(spec.train().format()).isEqualTo(DatasetFormat.CSV);
        assertThat(spec.hyperparameters().epochs()).isEqualTo(4);
        assertThat(spec.hyperparameters().earlyStoppingPatience()).isNull();
    }

    @Test
    void resultsRoundTripToo() {
        FinetuneResult result = new FinetuneResult("file:///out", Map.of("accuracy", 0.9),
                new FinetuneResult.Splits(80, 10, 10), 3, false, List.of("negative", "positive"), 0);
        assertThat(JobSpecs.readResult(JobKind.FINETUNE, JobSpecs.write(result))).isEqualTo(result);
        assertThat(JobSpecs.toMap(result)).containsEntry("outputUri", "file:///out").containsKey("splits");
    }

    @Test
    void aMismatchSaysWhatDidNotFit() {
        assertThatThrownBy(() -> JobSpecs.readSpec(JobKind.EVALUATE, "{\"task\": \"image-segmentation\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EvaluateSpec")
                .hasMessageContaining("image-segmentation");
        assertThatThrownBy(() -> JobSpecs.convert(Map.of("durationMillis", "soon"), NoopSpec.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NoopSpec");
    }
}
