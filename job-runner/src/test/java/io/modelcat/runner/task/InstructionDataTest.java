package io.modelcat.runner.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.LanguageModelScorer;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.PromptCompletion;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.testsupport.Fixtures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Text generation with {@code ground_truth} mapped: the text is a prompt and the ground truth its completion, so
 * evaluation scores the completion given the prompt (and fine-tuning learns the completion only).
 */
class InstructionDataTest {

    @Test
    void withAGroundTruthTheCompletionIsScoredGivenThePrompt() {
        EvaluatedTask recipe = TaskRecipes.evaluated(Task.TEXT_GENERATION);
        TaskExample instruction = recipe.example(0, Map.of("text", "where is the cat?", "ground_truth", " on the mat"));
        TaskExample plain = recipe.example(1, Map.of("text", "where is the cat? on the mat"));
        assertThat(instruction.secondText()).isEqualTo(" on the mat");
        assertThat(plain.secondText()).isNull();
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2-chat-chatml"))) {
            LanguageModelScorer scorer = new LanguageModelScorer(model, 2, 64);
            double completionOnly = scorer.scoreCompletions(List.of(new PromptCompletion("where is the cat?",
                    " on the mat"))).meanNegativeLogLikelihood();
            Evaluation scored = recipe.evaluate(model, List.of(instruction), 2, 64);
            assertThat(scored.metrics().get("loss")).isCloseTo(completionOnly, within(1e-9));
            // Without a ground truth the whole text is scored, as before.
            double whole = scorer.score(List.of("where is the cat? on the mat")).meanNegativeLogLikelihood();
            assertThat(recipe.evaluate(model, List.of(plain), 2, 64).metrics().get("loss")).isCloseTo(whole, within(1e-9));
            assertThat(completionOnly).isNotCloseTo(whole, within(1e-3));
            assertThat(recipe.evaluate(model, List.of(plain), 2, 64).metrics()).doesNotContainKey("exact_match");
        }
    }

    @Test
    void fineTunedOnInstructionsTheModelAnswersThemExactly() {
        TrainedTask recipe = TaskRecipes.trained(Task.TEXT_GENERATION);
        List<TaskExample> rows = List.of(
                recipe.example(0, Map.of("text", "where is the cat?", "ground_truth", " on the mat")),
                recipe.example(1, Map.of("text", "what was good?", "ground_truth", " the dog")),
                recipe.example(2, Map.of("text", "what is bad?", "ground_truth", " the movie")));
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2-chat-chatml"))) {
            Evaluation before = recipe.evaluate(model, rows, 3, 64);
            assertThat(before.metrics().get("exact_match")).isZero();
            recipe.train(new FineTuner(TrainingConfig.defaults().withEpochs(80).withBatchSize(3).withLearningRate(1e-2)
                    .withSeed(3), TrainingListener.NONE), model, rows, List.of(), 64);
            Evaluation after = recipe.evaluate(model, rows, 3, 64);
            assertThat(after.metrics().get("exact_match")).isEqualTo(1.0);
            assertThat(after.metrics().get("loss")).isLessThan(before.metrics().get("loss") / 4);
            assertThat(after.sample().get(0).expected()).isEqualTo(" on the mat");
            assertThat(after.sample().get(0).predicted().toString()).contains("completion= on the mat");
        }
    }

    @Test
    void conversationsAreLearnedFromTheirAssistantTurnsOnly() {
        TrainedTask recipe = TaskRecipes.trained(Task.TEXT_GENERATION);
        // Questions that differ early: the tiny model (two layers, 32 wide) must carry them past the template's framing.
        String[][] turns = {{"cat?", "on the mat"}, {"good?", "the dog"}, {"bad?", "the movie"}};
        List<TaskExample> rows = new java.util.ArrayList<>();
        for (String[] turn : turns) {
            rows.add(recipe.example(rows.size(), Map.of("text", List.of(Map.of("role", "system", "content", "Be terse."),
                    Map.of("role", "user", "content", turn[0]), Map.of("role", "assistant", "content", turn[1])))));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> recipe.example(9, Map.of("text", List.of("hi"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"role\" and a \"content\"");
        try (TransformerModel model = ModelLoader.load(Fixtures.model("gpt2-chat-chatml"))) {
            double before = recipe.evaluate(model, rows, 3, 64).metrics().get("loss");
            recipe.train(new FineTuner(TrainingConfig.defaults().withEpochs(100).withBatchSize(3).withLearningRate(1e-2)
                    .withSeed(3), TrainingListener.NONE), model, rows, List.of(), 64);
            double after = recipe.evaluate(model, rows, 3, 64).metrics().get("loss");
            assertThat(after).as("assistant-turn loss %s, then %s", before, after).isLessThan(before / 4);
            // Exactly the assistant's answer and its end of turn are learned, nothing of the framing or the question.
            io.modelcat.ml.infer.ChatTemplate template = io.modelcat.ml.infer.ChatTemplate.read(
                    Fixtures.model("gpt2-chat-chatml")).orElseThrow();
            List<Map<String, Object>> conversation = List.of(Map.of("role", "system", "content", "Be terse."),
                    Map.of("role", "user", "content", "cat?"), Map.of("role", "assistant", "content", "on the mat"),
                    Map.of("role", "user", "content", "and?"), Map.of("role", "assistant", "content", "the dog"));
            io.modelcat.ml.train.LearnedTokens tokens = template.learnedTokens(model.tokenizer(), conversation);
            long[] ids = tokens.ids();
            boolean[] learned = tokens.learned();
            StringBuilder learnedText = new StringBuilder();
            StringBuilder context = new StringBuilder();
            for (int i = 0; i < ids.length; i++) {
                (learned[i] ? learnedText : context).append(model.tokenizer().decode(new long[] {ids[i]}, false));
            }
            assertThat(learnedText.toString()).isEqualTo("on the mat<|im_end|>\nthe dog<|im_end|>\n");
            assertThat(context.toString()).contains("Be terse.").contains("cat?").contains("and?")
                    .doesNotContain("the dog").doesNotContain("mat");
            assertThat(model.tokenizer().encode(template.render(conversation, false), false)).containsExactly(ids);
        }
    }
}
