package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.infer.TextClassifier;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.LabeledText;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-batch managers must leave nothing behind in the model's long-lived manager. */
class MemoryDisciplineTest {

    @Test
    void trainingAndInferenceDoNotGrowTheModelManager() {
        try (TransformerModel model = ModelLoader.load(Fixtures.bert())) {
            TextClassifier classifier = new TextClassifier(model, 2, 32);
            List<LabeledText> examples = List.of(new LabeledText("the movie was good.", 1),
                    new LabeledText("a dog is bad", 0), new LabeledText("the cat sat", 1));
            FineTuner tuner = new FineTuner(TrainingConfig.defaults().withEpochs(1).withBatchSize(2),
                    TrainingListener.NONE);
            // The first round creates the cached scalar constants; after that nothing may accumulate.
            tuner.trainSequenceClassification(model, examples);
            classifier.classify(List.of("the cat", "a dog was good"));
            int settled = model.manager().getManagedArrays().size();

            for (int round = 0; round < 3; round++) {
                tuner.trainSequenceClassification(model, examples);
                classifier.classify(List.of("the cat", "a dog was good", "bad"));
            }

            assertThat(model.manager().getManagedArrays().size()).isEqualTo(settled);
        }
    }
}
