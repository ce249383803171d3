package io.modelcat.ml.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.modelcat.ml.arch.ArchitectureFamily;
import io.modelcat.ml.arch.ScalarConstants;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.arch.KeyValueCache;
import io.modelcat.ml.arch.TransformerNetwork;
import io.modelcat.ml.arch.Weights;
import io.modelcat.ml.checkpoint.HfConfig;
import io.modelcat.ml.tokenize.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A Hugging Face checkpoint loaded into a DJL model on the PyTorch engine, with its tokenizer. */
public final class TransformerModel implements AutoCloseable {

    private final Model djlModel;
    private final HfConfig config;
    private final ArchitectureFamily family;
    private final HeadType task;
    private final List<String> labels;
    private final Weights weights;
    private final TransformerNetwork network;
    private final ScalarConstants constants;
    private final TextTokenizer tokenizer;
    private final Path sourceDirectory;
    private final List<String> newlyInitialised;

    TransformerModel(Model djlModel, HfConfig config, ArchitectureFamily family, HeadType task, List<String> labels,
            Weights weights, TransformerNetwork network, ScalarConstants constants, TextTokenizer tokenizer,
            Path sourceDirectory, List<String> newlyInitialised) {
        this.djlModel = djlModel;
        this.config = config;
        this.family = family;
        this.task = task;
        this.labels = List.copyOf(labels);
        this.weights = weights;
        this.network = network;
        this.constants = constants;
        this.tokenizer = tokenizer;
        this.sourceDirectory = sourceDirectory;
        this.newlyInitialised = List.copyOf(newlyInitialised);
    }

    /**
     * Runs the network. Attach {@code inputs} to a per-batch sub-manager of {@link #manager()} and
     * close it after use: every intermediate array lands in the inputs' manager.
     *
     * @return one array of logits, see {@link TransformerNetwork#forward}
     */
    public NDList forward(NDList inputs, boolean training) {
        requireFits(inputs);
        return new NDList(network.forward(inputs, training));
    }

    /**
     * The body's last hidden state, (batch, seq, hidden), without the task head: sentence embeddings and
     * features. Same inputs and manager rules as {@link #forward}.
     */
    public NDArray hiddenStates(NDList inputs, boolean training) {
        requireFits(inputs);
        return network.hiddenStates(inputs, training);
    }

    /**
     * Generation's step: the next token's logits (batch, vocab) after running only the new positions against
     * {@code cache}; see {@link TransformerNetwork#nextTokenLogits}. Same manager rules as {@link #forward}; the
     * caller keeps every position below {@link #maxSequenceLength()}.
     */
    public NDArray nextTokenLogits(NDArray ids, NDArray positions, NDArray attentionMask, KeyValueCache cache) {
        return network.nextTokenLogits(ids, positions, attentionMask, cache);
    }

    /** An empty key/value cache for one generation; close it when the generation ends. */
    public KeyValueCache openCache() {
        return network.openCache(manager());
    }

    private void requireFits(NDList inputs) {
        long length = inputs.get(0).getShape().get(1);
        if (length > maxSequenceLength()) {
            throw new IllegalArgumentException("sequence of " + length + " tokens exceeds the model's "
                    + maxSequenceLength() + " positions");
        }
    }

    /** The longest token sequence the model's position embeddings cover. */
    public int maxSequenceLength() {
        return TransformerNetwork.maxSequenceLength(config, family);
    }

    /** The requested length, capped at what the model can take. */
    public int fitSequenceLength(int requested) {
        return Math.min(requested, maxSequenceLength());
    }

    /** Where the weights live; batches made from {@link #manager()} land there too. */
    public Device device() {
        return djlModel.getNDManager().getDevice();
    }

    /** The long-lived manager that owns the weights; open per-batch managers from it. */
    public NDManager manager() {
        return djlModel.getNDManager();
    }

    public Model djlModel() {
        return djlModel;
    }

    public HfConfig config() {
        return config;
    }

    public ArchitectureFamily family() {
        return family;
    }

    public HeadType task() {
        return task;
    }

    /** Label names ordered by class id; empty for a language model. */
    public List<String> labels() {
        return labels;
    }

    /** Every parameter by Hugging Face name, a LoRA adapter's included. */
    public Map<String, NDArray> parameters() {
        return weights.asMap();
    }

    /** The parameters that training changes: all of them, or with a LoRA adapter its A and B (and the task head). */
    public Map<String, NDArray> trainableParameters() {
        return weights.trainable();
    }

    Weights weights() {
        return weights;
    }

    TransformerNetwork network() {
        return network;
    }

    /**
     * Opens a training step on the calling thread: forward passes on it read aliases of the weights
     * that collect the step's gradients (see {@link Weights#gradientScope}); close it after backward.
     */
    public Weights.GradientScope gradientScope(NDManager stepManager) {
        return weights.gradientScope(stepManager);
    }

    /** Scalar constants that outlive every backward pass (see {@link ScalarConstants}). */
    public ScalarConstants constants() {
        return constants;
    }

    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    public Path sourceDirectory() {
        return sourceDirectory;
    }

    /** Head parameters that the checkpoint lacked and were freshly initialised; train before use. */
    public List<String> newlyInitialised() {
        return newlyInitialised;
    }

    @Override
    public void close() {
        tokenizer.close();
        djlModel.close();
    }
}
