package io.modelcat.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcat.ml.Fixtures;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.model.HeadRequest;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.TransformerModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** DJL's gradient collector is process-wide: trainings in one process take turns, and a waiting one can give up. */
class FineTunerTurnsTest {

    private static final List<LabeledText> EXAMPLES = List.of(new LabeledText("the movie was good", 1),
            new LabeledText("the movie was bad", 0), new LabeledText("a dog is good", 1), new LabeledText("a cat is bad", 0));
    private static final TrainingConfig CONFIG = TrainingConfig.defaults().withEpochs(3).withBatchSize(2).withSeed(1);

    @Test
    void twoTrainingsAtOnceRunOneAfterTheOther() throws Exception {
        List<String> steps = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<TrainingResult>> results = new ArrayList<>();
            for (String name : List.of("first", "second")) {
                results.add(threads.submit(() -> {
                    try (TransformerModel model = ModelLoader.load(Fixtures.bert(),
                            new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("bad", "good"), 1))) {
                        return new FineTuner(CONFIG, progress -> steps.add(name)).trainSequenceClassification(model,
                                EXAMPLES);
                    }
                }));
            }
            for (Future<TrainingResult> result : results) {
                assertThat(result.get(5, TimeUnit.MINUTES).steps()).isEqualTo(6);
            }
        } finally {
            threads.shutdownNow();
        }
        // All six steps of one training, then all six of the other: never interleaved.
        assertThat(steps).hasSize(12);
        assertThat(steps.subList(0, 6)).containsOnly(steps.get(0));
        assertThat(steps.subList(6, 12)).containsOnly(steps.get(6)).doesNotContain(steps.get(0));
    }

    @Test
    void aTrainingWaitingForItsTurnStopsWhenAsked() throws Exception {
        CountDownLatch firstIsTraining = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(1);
        try (TransformerModel first = ModelLoader.load(Fixtures.bert(),
                new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("bad", "good"), 1));
                TransformerModel second = ModelLoader.load(Fixtures.bert(),
                        new HeadRequest(HeadType.SEQUENCE_CLASSIFICATION, List.of("bad", "good"), 2))) {
            Future<TrainingResult> running = threads.submit(() -> new FineTuner(CONFIG, progress -> {
                firstIsTraining.countDown();
                try {
                    releaseFirst.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).trainSequenceClassification(first, EXAMPLES));
            assertThat(firstIsTraining.await(1, TimeUnit.MINUTES)).isTrue();

            TrainingListener cancelled = new TrainingListener() {
                @Override
                public void onStep(TrainingProgress progress) {
                    throw new AssertionError("a training that gave up waiting must not take a step");
                }

                @Override
                public boolean stopRequested() {
                    return true;
                }
            };
            TrainingResult gaveUp = new FineTuner(CONFIG, cancelled).trainSequenceClassification(second, EXAMPLES);
            assertThat(gaveUp.steps()).isZero();
            assertThat(gaveUp.stoppedEarly()).isTrue();

            releaseFirst.countDown();
            assertThat(running.get(1, TimeUnit.MINUTES).steps()).isEqualTo(6);
        } finally {
            threads.shutdownNow();
        }
    }
}
