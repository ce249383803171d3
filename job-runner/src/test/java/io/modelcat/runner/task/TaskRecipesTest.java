package io.modelcat.runner.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.task.FineTunableArchitectures;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.arch.ArchitectureFamily;
import io.modelcat.ml.arch.Seq2SeqFamily;
import io.modelcat.ml.arch.HeadType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** The runner's recipes and the contract's task registry must agree: what the API offers, a runner can do. */
class TaskRecipesTest {

    @ParameterizedTest
    @EnumSource(Task.class)
    void everyKindTheRegistryOffersHasARecipeThatDoesIt(Task task) {
        boolean textToText = TaskRecipes.textToText(task, JobKind.PREDICT).isPresent();
        assertThat(TaskRecipes.of(task).isPresent() || textToText).as("a recipe for %s", task)
                .isEqualTo(!task.jobKinds().isEmpty());
        if (textToText) {
            for (JobKind kind : task.jobKinds()) {
                assertThat(TaskRecipes.textToText(task, kind)).as("%s %s", task, kind).get()
                        .extracting(TextToTextTask::task).isEqualTo(task);
            }
            return;
        }
        if (task.runs(JobKind.PREDICT)) {
            assertThat(TaskRecipes.predicting(task).task()).isEqualTo(task);
        }
        if (task.runs(JobKind.EVALUATE)) {
            assertThat(TaskRecipes.evaluated(task).task()).isEqualTo(task);
        }
        if (task.runs(JobKind.FINETUNE)) {
            assertThat(TaskRecipes.trained(task).task()).isEqualTo(task);
        }
    }

    @Test
    void summarizationAndTranslationReadTheirColumns() {
        RowReader summaries = TaskRecipes.rows(Task.SUMMARIZATION);
        assertThat(summaries.example(3, Map.of("document", "a long text", "summary", "short")))
                .extracting(row -> row.text(), row -> row.secondText()).containsExactly("a long text", "short");
        assertThatThrownBy(() -> summaries.example(0, Map.of("document", "text", "summary", "")))
                .hasMessage("summary is empty");
        RowReader translations = TaskRecipes.rows(Task.TRANSLATION);
        assertThat(translations.example(0, Map.of("source", "the cat", "target", "die Katze")).secondText())
                .isEqualTo("die Katze");
        assertThatThrownBy(() -> TaskRecipes.evaluated(Task.SUMMARIZATION)).hasMessageContaining("encoder-decoders");
        assertThat(TaskRecipes.textToText(Task.TRANSLATION, JobKind.FINETUNE)).get()
                .extracting(TextToTextTask::task).isEqualTo(Task.TRANSLATION);
        assertThatThrownBy(() -> TaskRecipes.trained(Task.SUMMARIZATION)).hasMessageContaining("encoder-decoders");
    }

    @Test
    void aKindTheRegistryDoesNotOfferIsRefusedNamingWhatIs() {
        assertThatThrownBy(() -> TaskRecipes.trained(Task.FILL_MASK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot finetune 'fill-mask'")
                .hasMessageContaining("text-classification");
    }

    @Test
    void fineTunableTasksFollowTheHeadsOfTheArchitecture() {
        assertThat(TaskRecipes.fineTunableFor("bert")).containsExactly("text-classification", "token-classification",
                "question-answering");
        assertThat(TaskRecipes.fineTunableFor("distilbert")).containsExactly("text-classification",
                "token-classification", "question-answering");
        assertThat(TaskRecipes.fineTunableFor("gpt2")).containsExactly("question-answering", "text-generation");
        for (String decoder : new String[] {"llama", "mistral", "qwen2", "qwen3"}) {
            assertThat(TaskRecipes.fineTunableFor(decoder)).as(decoder).containsExactly("text-generation");
        }
        for (String encoderDecoder : new String[] {"t5", "bart", "marian"}) {
            assertThat(TaskRecipes.fineTunableFor(encoderDecoder)).as(encoderDecoder)
                    .containsExactly("summarization", "translation");
        }
        assertThat(TaskRecipes.fineTunableFor("mamba")).isEmpty();
    }

    @Test
    void theCatalogsTableOfFineTunableArchitecturesAgreesWithTheEngine() {
        List<String> modelTypes = new java.util.ArrayList<>();
        for (ArchitectureFamily family : ArchitectureFamily.values()) {
            modelTypes.add(family.name().toLowerCase(Locale.ROOT));
        }
        for (Seq2SeqFamily family : Seq2SeqFamily.values()) {
            modelTypes.add(family.name().toLowerCase(Locale.ROOT));
        }
        for (String modelType : modelTypes) {
            assertThat(FineTunableArchitectures.tasksFor(modelType)).as(modelType)
                    .isEqualTo(TaskRecipes.fineTunableFor(modelType));
        }
        assertThat(FineTunableArchitectures.modelTypes()).hasSize(modelTypes.size());
        assertThat(FineTunableArchitectures.tasksFor("mamba")).isEmpty();
    }

    @Test
    void rowsBecomeExamplesOrSayWhatIsWrong() {
        EvaluatedTask classification = TaskRecipes.evaluated(Task.TEXT_CLASSIFICATION);
        assertThat(classification.head()).isEqualTo(HeadType.SEQUENCE_CLASSIFICATION);
        assertThat(classification.example(0, Map.of("sentence1", "good", "label", 1)).label()).isEqualTo("1");
        assertThatThrownBy(() -> classification.example(0, Map.of("sentence1", " ", "label", "x")))
                .hasMessage("sentence1 is empty");
        EvaluatedTask tagging = TaskRecipes.evaluated(Task.TOKEN_CLASSIFICATION);
        assertThatThrownBy(() -> tagging.example(0, Map.of("tokens", List.of("a", "b"), "ner_tags", List.of("O"))))
                .hasMessage("tokens has 2 words but ner_tags has 1 tags");
        assertThat(tagging.labels(List.of(tagging.example(0, Map.of("tokens", List.of("a", "b", "c"),
                "ner_tags", List.of("B-X", "O", "I-X")))))).containsExactly("O", "B-X", "I-X");
    }
}
