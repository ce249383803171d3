package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextClassifierTest {

    @Test
    void batchedAndPaddedResultsEqualOneByOneResults() {
        List<String> texts = List.of("the cat sat on the mat.", "good", "a dog was bad, the movie is good.");
        try (TransformerModel model = ModelLoader.load(Fixtures.bert())) {
            List<LabelScores> batched = new TextClassifier(model, 3, 64).classify(texts);
            List<LabelScores> single = new TextClassifier(model, 1, 64).classify(texts);
            for (int index = 0; index < texts.size(); index++) {
                assertThat(batched.get(index).labelId()).isEqualTo(single.get(index).labelId());
                for (int label = 0; label < 2; label++) {
                    assertThat(batched.get(index).probabilities().get(label))
                            .isCloseTo(single.get(index).probabilities().get(label), within(1e-6));
                }
                assertThat(batched.get(index).probabilities().stream().mapToDouble(Double::doubleValue).sum())
                        .isCloseTo(1.0, within(1e-6));
            }
            // The reference logits (-0.01946, -0.01635) favour LABEL_1 by softmax 0.50078.
            LabelScores reference = batched.get(0);
            assertThat(reference.label()).isEqualTo("LABEL_1");
            assertThat(reference.score()).isCloseTo(1 / (1 + Math.exp(-0.019460123 + 0.016346417)), within(1e-6));
        }
    }

    @Test
    void longTextsAreCutToThePositionTableAndTooLongInputIsRefused() {
        String longText = "the cat sat on the mat . ".repeat(20);
        try (TransformerModel model = ModelLoader.load(Fixtures.bert())) {
            assertThat(model.maxSequenceLength()).isEqualTo(64);
            // asked for 512 tokens, the 64-position model gets 64
            assertThat(new TextClassifier(model, 1, 512).classify(List.of(longText))).hasSize(1);
            try (var batch = model.manager().newSubManager()) {
                var inputs = model.tokenizer().encodeBatch(List.of(longText), 100).toNDList(batch);
                assertThatThrownBy(() -> model.forward(inputs, false)).hasMessageContaining("64 positions");
            }
        }
    }

    @Test
    void refusesAModelWithAnotherTask() {
        try (TransformerModel model = ModelLoader.load(Fixtures.gpt2())) {
            assertThatThrownBy(() -> new TextClassifier(model, 1, 8)).hasMessageContaining("CAUSAL_LM");
        }
    }
}
