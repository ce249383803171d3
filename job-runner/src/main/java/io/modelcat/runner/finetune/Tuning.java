package io.modelcat.runner.finetune;

import ai.djl.Device;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.spec.FinetuneSpec;
import io.modelcat.jobs.spec.Hyperparameters;
import io.modelcat.ml.arch.LoraSpec;
import io.modelcat.ml.infer.TextToTextModel;
import io.modelcat.ml.model.LoraAdapters;
import io.modelcat.ml.model.ModelLoader;
import io.modelcat.ml.model.ModelSaver;
import io.modelcat.ml.model.TransformerModel;
import io.modelcat.ml.train.FineTuner;
import io.modelcat.ml.train.TrainingConfig;
import io.modelcat.ml.train.TrainingListener;
import io.modelcat.ml.train.TrainingResult;
import io.modelcat.runner.data.TaskExample;
import io.modelcat.runner.task.Evaluation;
import io.modelcat.runner.task.RowReader;
import io.modelcat.runner.task.TaskModels;
import io.modelcat.runner.task.TaskRecipes;
import io.modelcat.runner.task.TextToTextTask;
import io.modelcat.runner.task.TrainedTask;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * How a fine-tune of one task reads its rows and loads the model it trains: with a head for the task's labels
 * (classification, tagging, answers, text generation), or as an encoder-decoder that generates the target text
 * (summarization, translation), which has no head and no labels.
 */
sealed interface Tuning {

    /** How a dataset row becomes an example. */
    RowReader rows();

    /** Whether held-out rows keep each label's share. */
    boolean stratifiedSplits();

    /** The labels of a new head, in id order; empty when the task has none. */
    List<String> labels(List<TaskExample> rows);

    /** The base version's model, ready to train (a new head, a LoRA adapter where asked for). */
    TunedModel base(Path artifact, List<String> labels, Hyperparameters h, Device device, BiConsumer<String, Map<String, Object>> log);

    /** A checkpoint or a fine-tune's output (its head has {@code labels}), as {@link #base} made and training changed it. */
    TunedModel load(Path folder, List<String> labels, Device device);

    static Tuning of(FinetuneSpec spec) {
        Optional<TextToTextTask> textToText = TaskRecipes.textToText(spec.task(), JobKind.FINETUNE);
        if (textToText.isPresent()) {
            return new TextToText(textToText.get(),
                    new TextToTextTask.Languages(spec.sourceLanguage(), spec.targetLanguage()));
        }
        return new WithHead(TaskRecipes.trained(spec.task()));
    }

    /** A network with a task head, trained by the engine's {@link FineTuner}. */
    record WithHead(TrainedTask recipe) implements Tuning {

        @Override
        public RowReader rows() {
            return recipe;
        }

        @Override
        public boolean stratifiedSplits() {
            return recipe.stratifiedSplits();
        }

        @Override
        public List<String> labels(List<TaskExample> rows) {
            return recipe.labels(rows);
        }

        @Override
        public TunedModel base(Path artifact, List<String> labels, Hyperparameters h, Device device,
                               BiConsumer<String, Map<String, Object>> log) {
            TransformerModel model = TaskModels.forTraining(artifact, recipe, labels, h.seed(), device);
            if (h.lora()) {
                LoraSpec lora = new LoraSpec(h.loraRank(), h.loraAlpha(), h.loraDropout(),
                        h.loraTargetModules() != null ? h.loraTargetModules() : LoraSpec.defaultTargets(model.family()));
                try {
                    LoraAdapters.attach(model, lora, h.seed());
                } catch (IllegalArgumentException e) {
                    model.close();
                    throw new IllegalArgumentException("hyperparameters.loraTargetModules: " + e.getMessage(), e);
                }
                long trained = model.trainableParameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
                long all = model.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
                log.accept(String.format(Locale.ROOT, "Training a LoRA adapter (rank %d, alpha %s) on %s: %,d of %,d "
                        + "parameters (%.2f%%) train", lora.rank(), lora.alpha(), String.join(", ", lora.targetModules()),
                        trained, all, 100.0 * trained / all), Map.of("loraRank", lora.rank(), "trainableParameters", trained));
            }
            return new HeadModel(model, recipe, labels);
        }

        @Override
        public TunedModel load(Path folder, List<String> labels, Device device) {
            // A checkpoint of a LoRA fine-tune is an adapter, which loads with its adapter attached.
            return new HeadModel(ModelLoader.load(folder, device), recipe, labels);
        }
    }

    /** An encoder-decoder trained to generate the reference text, by the engine's {@code Seq2SeqFineTuner}. */
    record TextToText(TextToTextTask recipe, TextToTextTask.Languages languages) implements Tuning {

        @Override
        public RowReader rows() {
            return recipe;
        }

        @Override
        public boolean stratifiedSplits() {
            return false;
        }

        @Override
        public List<String> labels(List<TaskExample> rows) {
            return List.of();
        }

        @Override
        public TunedModel base(Path artifact, List<String> labels, Hyperparameters h, Device device,
                               BiConsumer<String, Map<String, Object>> log) {
            return load(artifact, labels, device);
        }

        @Override
        public TunedModel load(Path folder, List<String> labels, Device device) {
            return new GeneratingModel(TextToTextModel.load(folder, device), recipe, languages);
        }
    }

    /** A {@link TransformerModel} with its task's head. */
    record HeadModel(TransformerModel model, TrainedTask recipe, List<String> labels) implements TunedModel {

        @Override
        public TrainingResult train(TrainingConfig config, TrainingListener listener, List<TaskExample> rows) {
            return recipe.train(new FineTuner(config, listener), model, rows, labels, config.maxSequenceLength());
        }

        @Override
        public Evaluation evaluate(List<TaskExample> rows, int batchSize, int maxLength) {
            return TaskModels.evaluate(model, recipe, rows, batchSize, maxLength);
        }

        @Override
        public void save(Path directory) {
            ModelSaver.save(model, directory);
        }

        @Override
        public void saveMerged(Path directory) {
            LoraAdapters.merge(model);
            ModelSaver.save(model, directory);
        }

        @Override
        public int maxSequenceLength() {
            return model.maxSequenceLength();
        }

        @Override
        public String device() {
            return String.valueOf(model.device());
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** A {@link TextToTextModel} and the languages that pick its task prefix. */
    record GeneratingModel(TextToTextModel model, TextToTextTask recipe, TextToTextTask.Languages languages)
            implements TunedModel {

        @Override
        public TrainingResult train(TrainingConfig config, TrainingListener listener, List<TaskExample> rows) {
            return recipe.train(model, rows, languages, config, listener);
        }

        @Override
        public Evaluation evaluate(List<TaskExample> rows, int batchSize, int maxLength) {
            return recipe.evaluate(model, rows, languages, batchSize, maxLength);
        }

        @Override
        public void save(Path directory) {
            ModelSaver.save(model.model(), directory);
        }

        @Override
        public void saveMerged(Path directory) {
            throw new IllegalStateException("an encoder-decoder fine-tune trains every weight; it has no adapter to merge");
        }

        @Override
        public int maxSequenceLength() {
            return model.fitSourceLength(Integer.MAX_VALUE);
        }

        @Override
        public String device() {
            return String.valueOf(model.device());
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
