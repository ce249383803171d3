package io.modelcat.runner.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.metrics.BleuScore;
import io.modelcat.ml.metrics.RougeScores;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.testsupport.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Summarization and translation with the tiny T5 and its Unigram tokenizer, text in and text out: the task prefixes
 * from config.json, the search from generation_config.json, each generated text equal to what transformers generated
 * for the same prefixed text, and the metrics those texts give against the references.
 */
class TextToTextRecipeTest {

    private static final String SUMMARIZE = "summarize: ";
    private static final String TO_GERMAN = "translate English to German: ";

    @TempDir
    Path directory;

    @Test
    void predictsWhatTransformersGeneratesGreedilyAndWithTheModelsBeams() {
        TextToTextTask summaries = TaskRecipes.textToText(Task.SUMMARIZATION, JobKind.PREDICT).orElseThrow();
        TextToTextTask translations = TaskRecipes.textToText(Task.TRANSLATION, JobKind.PREDICT).orElseThrow();
        for (String search : List.of("defaults", "beam3")) {
            try (TextToTextModel model = TextToTextModel.load(TinyT5.copy(directory.resolve(search),
                    search.equals("beam3")), Device.cpu())) {
                List<TinyT5.Reference> documents = TinyT5.references(search, SUMMARIZE);
                // Both documents as one padded batch.
                List<Object> predicted = summaries.predictAll(model, documents.stream()
                        .map(reference -> spec(Task.SUMMARIZATION, Map.of("text", reference.text()))).toList(), 512);
                for (int i = 0; i < documents.size(); i++) {
                    assertThat(((Map<?, ?>) predicted.get(i)).get("generatedText")).as("%s document %d", search, i)
                            .isEqualTo(documents.get(i).generated());
                }
                for (TinyT5.Reference sentence : TinyT5.references(search, TO_GERMAN)) {
                    Map<?, ?> german = (Map<?, ?>) translations.predictAll(model, List.of(spec(Task.TRANSLATION,
                            Map.of("text", sentence.text(), "sourceLanguage", "en", "targetLanguage", "DE"))), 512)
                            .get(0);
                    assertThat(german.get("generatedText")).as("%s %s", search, sentence.text())
                            .isEqualTo(sentence.generated());
                    assertThat(german.get("sourceTruncated")).isEqualTo(false);
                }
            }
        }
    }

    @Test
    void translationPicksThePrefixOfTheLanguagesAndRefusesWhatTheModelDoesNotDo() {
        TextToTextRecipe translation = TextToTextRecipe.translation();
        try (TextToTextModel model = TextToTextModel.load(TinyT5.copy(directory, false), Device.cpu())) {
            assertThat(translation.prefix(model, new TextToTextTask.Languages("en", "fr")))
                    .isEqualTo("translate English to French: ");
            assertThat(translation.prefix(model, new TextToTextTask.Languages(null, "de"))).isEqualTo(TO_GERMAN);
            assertThatThrownBy(() -> translation.prefix(model, TextToTextTask.Languages.NONE))
                    .hasMessageContaining("translates several ways (en→de, en→fr)")
                    .hasMessageContaining("sourceLanguage");
            assertThatThrownBy(() -> translation.prefix(model, new TextToTextTask.Languages("de", "en")))
                    .hasMessageContaining("not de to en");
            assertThatThrownBy(() -> translation.prefix(model, new TextToTextTask.Languages("en", null)))
                    .hasMessageContaining("ambiguously en to any");
            assertThat(TextToTextRecipe.summarization().prefix(model, TextToTextTask.Languages.NONE)).isEqualTo(SUMMARIZE);
            assertThatThrownBy(() -> translation.predictAll(model, List.of(new PredictSpec(Task.TRANSLATION,
                    "file:///unused", Map.of("text", "the cat", "targetLanguage", "de"), null,
                    new PredictSpec.Generation(null, 0.7, null, null, null))), 512))
                    .hasMessageContaining("do not sample");
        }
    }

    @Test
    void aModelWithoutTaskPrefixesGetsTheTextAsItIs() {
        // The fixture's own config.json has no task_specific_params, as BART and Marian checkpoints.
        try (TextToTextModel model = TextToTextModel.load(Fixtures.model("t5-v1_0"), Device.cpu())) {
            assertThat(model.taskPrefixes()).isEmpty();
            assertThat(TextToTextRecipe.translation().prefix(model, new TextToTextTask.Languages("en", "de"))).isEmpty();
        }
    }

    @Test
    void evaluatesWithRougeAndBleuOfTheGeneratedTexts() {
        TextToTextTask summaries = TaskRecipes.textToText(Task.SUMMARIZATION, JobKind.EVALUATE).orElseThrow();
        List<TinyT5.Reference> documents = TinyT5.references("beam3", SUMMARIZE);
        List<String> summariesWritten = List.of("good a cat", "a good movie");
        List<TaskExample> rows = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            rows.add(summaries.example(i, Map.of("document", documents.get(i).text(),
                    "summary", summariesWritten.get(i))));
        }
        List<String> generated = documents.stream().map(TinyT5.Reference::generated).toList();
        RougeScores rouge = RougeScores.of(generated, summariesWritten);
        double bleu = BleuScore.of(generated, summariesWritten.stream().map(List::of).toList()).bleu();
        try (TextToTextModel model = TextToTextModel.load(TinyT5.copy(directory, true), Device.cpu())) {
            Evaluation evaluation = summaries.evaluate(model, rows, TextToTextTask.Languages.NONE, 1, 64);
            assertThat(evaluation.metrics()).containsOnlyKeys("rouge1", "rouge2", "rougeL", "bleu", "gen_len");
            assertThat(evaluation.metrics().get("rouge1")).isCloseTo(rouge.rouge1(), within(1e-12)).isPositive();
            assertThat(evaluation.metrics().get("rouge2")).isCloseTo(rouge.rouge2(), within(1e-12));
            assertThat(evaluation.metrics().get("rougeL")).isCloseTo(rouge.rougeL(), within(1e-12));
            assertThat(evaluation.metrics().get("bleu")).isCloseTo(bleu, within(1e-12));
            // The beam search of the generation config: 10 new tokens each; the first document's begins with the pad
            // id, which is not counted (as run_summarization's gen_len counts).
            assertThat(evaluation.metrics().get("gen_len")).isEqualTo(9.5);
            assertThat(evaluation.sample()).hasSize(2);
            assertThat(evaluation.sample().get(1).expected()).isEqualTo("a good movie");
            assertThat(((Map<?, ?>) evaluation.sample().get(1).predicted()).get("generatedText"))
                    .isEqualTo(documents.get(1).generated());
        }
    }

    private static PredictSpec spec(Task task, Map<String, String> inputs) {
        return new PredictSpec(task, "file:///unused", inputs, null, null);
    }
}
