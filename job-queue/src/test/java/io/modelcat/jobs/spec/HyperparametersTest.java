package io.modelcat.jobs.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.testsupport.Fixtures;
import io.swagger.v3.oas.annotations.media.Schema;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HyperparametersTest {

    @Test
    void absentSettingsTakeTheirDefaults() {
        Hyperparameters defaults = Hyperparameters.defaults();
        assertThat(defaults).isEqualTo(new Hyperparameters(3, 16, 5e-5, 0.01, 0.0, 1.0, 42, 128, null, null, 16, 0.05, null, false));
    }

    @Test
    void everyBadValueIsNamedWithItsLimits() {
        List<SpecError> errors = new ArrayList<>();
        Hyperparameters.resolve(new Hyperparameters.Input(0, 513, -1.0, 2.0, 1.0, 0.0, 7L, 4, 0), errors);
        assertThat(errors).extracting(SpecError::field).containsExactly("hyperparameters.epochs",
                "hyperparameters.batchSize", "hyperparameters.learningRate", "hyperparameters.weightDecay",
                "hyperparameters.warmupRatio", "hyperparameters.maxGradNorm", "hyperparameters.maxSequenceLength",
                "hyperparameters.earlyStoppingPatience");
        assertThat(errors).extracting(SpecError::message).contains("must be a whole number between 1 and 100, got 0",
                "must be over 0 and at most 1, got -1.0", "must be at least 0 and below 1, got 1.0",
                "must be over 0, got 0.0");
    }

    @Test
    void absentValuesTakeTheDocumentedDefaults() {
        List<SpecError> errors = new ArrayList<>();

        Hyperparameters h = Hyperparameters.resolve(null, errors);

        assertThat(errors).isEmpty();
        assertThat(h).isEqualTo(new Hyperparameters(3, 16, 5e-5, 0.01, 0.0, 1.0, 42, 128, null, null, 16, 0.05, null, false));
    }

    @Test
    void limitsAreInclusiveWhereTheDocsSaySo() {
        List<SpecError> errors = new ArrayList<>();

        Hyperparameters.resolve(new Hyperparameters.Input(100, 512, 1.0, 1.0, 0.999, 1e-9, -7L, 4096, 100), errors);
        Hyperparameters.resolve(new Hyperparameters.Input(1, 1, 1e-12, 0.0, 0.0, 5.0, 0L, 8, 1), errors);

        assertThat(errors).isEmpty();
    }

    @Test
    void eachValueOutOfItsLimitsIsNamed() {
        List<SpecError> errors = new ArrayList<>();

        Hyperparameters.resolve(new Hyperparameters.Input(101, 0, 0.0, -0.1, 1.0, Double.NaN, null, 7, 101), errors);

        assertThat(errors).extracting(SpecError::field).containsExactly("hyperparameters.epochs",
                "hyperparameters.batchSize", "hyperparameters.learningRate", "hyperparameters.weightDecay",
                "hyperparameters.warmupRatio", "hyperparameters.maxGradNorm", "hyperparameters.maxSequenceLength",
                "hyperparameters.earlyStoppingPatience");
    }

    @Test
    void loraTargetModulesAreANonEmptyListOfNames() {
        List<SpecError> errors = new ArrayList<>();
        Hyperparameters h = Hyperparameters.resolve(lora(List.of("q_proj", "k_proj", "self_attn.o_proj", "q_proj")),
                errors);
        assertThat(errors).isEmpty();
        assertThat(h.loraTargetModules()).containsExactly("q_proj", "k_proj", "self_attn.o_proj");

        for (List<String> bad : List.of(List.<String>of(), List.of("q_proj", "q proj"), List.of(".*"), List.of("1"),
                java.util.Collections.nCopies(65, "q_proj"), java.util.Arrays.asList("q_proj", null))) {
            List<SpecError> refused = new ArrayList<>();
            assertThat(Hyperparameters.resolve(lora(bad), refused).loraTargetModules()).isNull();
            assertThat(refused).as("%s", bad).extracting(SpecError::field)
                    .containsExactly("hyperparameters.loraTargetModules");
        }
        List<SpecError> refused = new ArrayList<>();
        Hyperparameters.resolve(lora(List.of("q proj")), refused);
        assertThat(refused.get(0).message()).contains("'q proj' is not one");
    }

    @Test
    void loraMergeIsAJsonBooleanAndOffByDefault() {
        List<SpecError> errors = new ArrayList<>();
        assertThat(Hyperparameters.resolve(merge(true), errors).loraMerge()).isTrue();
        assertThat(Hyperparameters.resolve(merge(null), errors).loraMerge()).isFalse();
        assertThat(errors).isEmpty();
        for (Object bad : List.of("true", "yes", 1, List.of(true))) {
            List<SpecError> refused = new ArrayList<>();
            assertThat(Hyperparameters.resolve(merge(bad), refused).loraMerge()).isFalse();
            assertThat(refused).as("%s", bad).extracting(SpecError::field).containsExactly("hyperparameters.loraMerge");
        }
    }

    private static Hyperparameters.Input merge(Object merge) {
        return new Hyperparameters.Input(null, null, null, null, null, null, null, null, null, 8, null, null, null,
                merge);
    }

    private static Hyperparameters.Input lora(List<String> targets) {
        return new Hyperparameters.Input(null, null, null, null, null, null, null, null, null, 8, null, null, targets);
    }

    @Test
    void nonFiniteNumbersAreRefused() {
        List<SpecError> errors = new ArrayList<>();
        Hyperparameters.resolve(new Hyperparameters.Input(null, null, Double.NaN, null, null,
                Double.POSITIVE_INFINITY, null, null, null), errors);
        assertThat(errors).extracting(SpecError::field).containsExactly("hyperparameters.learningRate",
                "hyperparameters.maxGradNorm");
    }

    /** The API's documentation of each setting is the setting's own description, so the two cannot drift. */
    @Test
    void theOpenApiDescriptionOfEverySettingIsTheSettingsOwn() {
        RecordComponent[] components = Hyperparameters.Input.class.getRecordComponents();
        assertThat(Arrays.stream(components).map(RecordComponent::getName))
                .containsExactlyElementsOf(Hyperparameters.SETTINGS.stream().map(Setting::name).toList());
        for (RecordComponent component : components) {
            Setting setting = Hyperparameters.SETTINGS.stream().filter(s -> s.name().equals(component.getName()))
                    .findFirst().orElseThrow();
            assertThat(component.getAccessor().getAnnotation(Schema.class).description())
                    .as("@Schema description of %s", component.getName()).isEqualTo(setting.describe());
        }
    }

    /** docs/ml-jobs.md lists every setting with its own description. */
    @Test
    void theDocsDescribeEverySettingAsTheContractDoes() throws IOException {
        String docs = Files.readString(Fixtures.repository().resolve("docs/ml-jobs.md"));
        for (Setting setting : Hyperparameters.SETTINGS) {
            assertThat(docs).as("docs/ml-jobs.md on %s", setting.name())
                    .contains("| `" + setting.name() + "` | " + setting.describe() + " |");
        }
        for (Setting setting : EvaluateSpec.SETTINGS) {
            assertThat(docs).as("docs/ml-jobs.md on %s", setting.name())
                    .contains("| `" + setting.name() + "` | " + setting.describe() + " |");
        }
    }
}
