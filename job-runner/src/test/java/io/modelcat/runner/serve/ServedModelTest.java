package io.modelcat.runner.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.runner.task.TaskRecipes;
import io.modelcat.runner.task.TinyT5;
import io.modelcat.testsupport.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deployment instance of a summarization and translation model: the tiny T5 served through a {@link Batcher} answers
 * what "Try it" predicts for the same input (the same recipe, the task prefix added), calls that arrive together
 * share one search, per-call search settings give what transformers generates with them, and streaming is refused.
 */
class ServedModelTest {

    private static final String SUMMARIZE = "summarize: ";
    private static final String TO_GERMAN = "translate English to German: ";

    @TempDir
    Path directory;

    @Test
    void servesWhatTryItPredictsInOneBatchAndSearchesAsEachCallAsks() throws Exception {
        Path model = TinyT5.copy(directory.resolve("t5"), false);
        List<TinyT5.Reference> documents = TinyT5.references("defaults", SUMMARIZE);
        List<TinyT5.Reference> sentences = TinyT5.references("defaults", TO_GERMAN);

        // What "Try it" (the predict job) answers, one input at a time.
        List<Object> tried = new ArrayList<>();
        try (TextToTextModel loaded = TextToTextModel.load(model, Device.cpu())) {
            for (TinyT5.Reference document : documents) {
                tried.add(TaskRecipes.textToText(Task.SUMMARIZATION, JobKind.PREDICT).orElseThrow()
                        .predictAll(loaded, List.of(spec(Task.SUMMARIZATION, document.text(), null)), 512).get(0));
            }
        }

        try (ServedModel served = ServedModel.load(Task.SUMMARIZATION, model, Device.cpu());
             Batcher batcher = new Batcher("summaries", 8, 500, served.work())) {
            // Two documents of different lengths run as one batch (padded); each gets its own answer.
            List<JsonNode> answers = batcher.submit(List.of(spec(Task.SUMMARIZATION, documents.get(0).text(), null),
                    spec(Task.SUMMARIZATION, documents.get(1).text(), null))).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < documents.size(); i++) {
                Map<?, ?> expected = (Map<?, ?>) tried.get(i);
                assertThat(answers.get(i).get("generatedText").asText()).as("document %d", i)
                        .isEqualTo(expected.get("generatedText")).isEqualTo(documents.get(i).generated());
                assertThat(answers.get(i).get("newTokens").asInt()).isEqualTo(expected.get("newTokens"));
                assertThat(answers.get(i).get("finishReason").asText()).isEqualTo("length");
            }

            // The settings of the reference's "beam3" search asked for by the call, not by the model's config.
            PredictSpec.Generation beams = PredictSpec.Generation.search(10, null,
                    new PredictSpec.Search(null, null, 3, null, 2));
            List<JsonNode> searched = batcher.submit(documents.stream()
                    .map(d -> spec(Task.SUMMARIZATION, d.text(), beams)).toList()).get(60, TimeUnit.SECONDS);
            List<TinyT5.Reference> beamReferences = TinyT5.references("beam3", SUMMARIZE);
            for (int i = 0; i < documents.size(); i++) {
                assertThat(searched.get(i).get("generatedText").asText()).isEqualTo(beamReferences.get(i).generated());
            }

            assertThatThrownBy(() -> batcher.submit(List.of(spec(Task.SUMMARIZATION, "the cat", null)), event -> { })
                    .get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("summarization does not stream");
        }

        try (ServedModel served = ServedModel.load(Task.TRANSLATION, model, Device.cpu());
             Batcher batcher = new Batcher("translations", 8, 0, served.work())) {
            // The model translates two ways: the languages pick the prefix, as in "Try it".
            TinyT5.Reference sentence = sentences.get(1);
            JsonNode german = batcher.submit(List.of(new PredictSpec(Task.TRANSLATION, "file:///unused",
                    Map.of("text", sentence.text(), "sourceLanguage", "en", "targetLanguage", "de"), null, null)))
                    .get(60, TimeUnit.SECONDS).get(0);
            assertThat(german.get("generatedText").asText()).isEqualTo(sentence.generated());
            assertThatThrownBy(() -> batcher.submit(List.of(spec(Task.TRANSLATION, sentence.text(), null)))
                    .get(60, TimeUnit.SECONDS)).hasMessageContaining("give sourceLanguage and targetLanguage");
        }
    }

    @Test
    void servesAMarianReadFromItsSentencePieceFilesAsTryItDoes() throws Exception {
        // The tiny Marian as opus-mt lays it out: source.spm, target.spm and vocab.json, no tokenizer.json.
        Path model = Fixtures.model("marian");
        assertThat(model.resolve("tokenizer.json")).doesNotExist();
        List<String> sentences = List.of(">>de<< the cat sat on the mat", "a dog ran");
        PredictSpec.Generation search = PredictSpec.Generation.search(8, null, new PredictSpec.Search(null, 5, 4, null,
                null));
        List<Object> tried = new ArrayList<>();
        try (TextToTextModel loaded = TextToTextModel.load(model, Device.cpu())) {
            for (String sentence : sentences) {
                tried.add(TaskRecipes.textToText(Task.TRANSLATION, JobKind.PREDICT).orElseThrow()
                        .predictAll(loaded, List.of(spec(Task.TRANSLATION, sentence, search)), 512).get(0));
            }
        }
        try (ServedModel served = ServedModel.load(Task.TRANSLATION, model, Device.cpu());
             Batcher batcher = new Batcher("marian", 8, 500, served.work())) {
            List<JsonNode> answers = batcher.submit(sentences.stream().map(t -> spec(Task.TRANSLATION, t, search))
                    .toList()).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < sentences.size(); i++) {
                Map<?, ?> expected = (Map<?, ?>) tried.get(i);
                assertThat(answers.get(i).get("generatedText").asText()).as(sentences.get(i))
                        .isEqualTo(expected.get("generatedText")).isNotBlank();
                assertThat(answers.get(i).get("newTokens").asInt()).isEqualTo(expected.get("newTokens"))
                        .isGreaterThanOrEqualTo(4);
            }
        }
    }

    private static PredictSpec spec(Task task, String text, PredictSpec.Generation generation) {
        return new PredictSpec(task, "file:///unused", Map.of("text", text), null, generation);
    }
}
