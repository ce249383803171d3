package io.modelcat.ml.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.DjlEnvironment;
import io.modelcat.ml.arch.EncoderDecoderCache;
import io.modelcat.ml.arch.EncoderDecoderNetwork;
import io.modelcat.ml.arch.ScalarConstants;
import io.modelcat.ml.arch.Seq2SeqFamily;
import io.modelcat.ml.arch.Weights;
import io.modelcat.ml.checkpoint.CheckpointReader;
import io.modelcat.ml.checkpoint.HfConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * An encoder-decoder checkpoint ({@code T5ForConditionalGeneration}, {@code BartForConditionalGeneration}) loaded for
 * inference on the PyTorch engine, from a local Hugging Face folder (config.json, safetensors with transformers' key
 * names). It works on token ids; generation is {@code io.modelcat.ml.infer.Seq2SeqGenerator}.
 */
public final class Seq2SeqModel implements AutoCloseable {

    private final Model djlModel;
    private final HfConfig config;
    private final Seq2SeqFamily family;
    private final EncoderDecoderNetwork network;
    private final Path sourceDirectory;
    private final Weights weights;

    private Seq2SeqModel(Model djlModel, HfConfig config, Seq2SeqFamily family, EncoderDecoderNetwork network,
            Path sourceDirectory, Weights weights) {
        this.djlModel = djlModel;
        this.config = config;
        this.family = family;
        this.network = network;
        this.sourceDirectory = sourceDirectory;
        this.weights = weights;
    }

    /** Loads the checkpoint on the CPU. */
    public static Seq2SeqModel load(Path modelDirectory) {
        return load(modelDirectory, Device.cpu());
    }

    /** Loads the checkpoint on {@code device}; its {@code model_type} must be an encoder-decoder the engine runs. */
    public static Seq2SeqModel load(Path modelDirectory, Device device) {
        DjlEnvironment.configure();
        HfConfig config = HfConfig.read(modelDirectory.resolve("config.json"));
        Seq2SeqFamily family = Seq2SeqFamily.ofModelType(config.modelType()).orElseThrow(() ->
                new IllegalArgumentException("model_type " + config.modelType() + " is not an encoder-decoder the "
                        + "engine runs (it runs t5, bart and marian)"));
        Model djlModel = Model.newInstance(modelDirectory.getFileName().toString(), device, ModelLoader.ENGINE);
        try {
            NDManager manager = djlModel.getNDManager();
            Map<String, NDArray> tensors = CheckpointReader.read(modelDirectory, manager);
            Weights weights = new Weights(tensors);
            EncoderDecoderNetwork network = EncoderDecoderNetwork.create(config, family, weights,
                    new ScalarConstants(manager));
            return new Seq2SeqModel(djlModel, config, family, network, modelDirectory, weights);
        } catch (RuntimeException e) {
            djlModel.close();
            throw e;
        }
    }

    /**
     * Teacher forcing: the LM head's logits (batch, target, vocab) for {@code decoderInputIds} (each row starting with
     * the decoder start token) given the source batch, as {@code model(input_ids, attention_mask,
     * decoder_input_ids).logits}.
     */
    public float[][][] logits(long[][] inputIds, long[][] attentionMask, long[][] decoderInputIds) {
        try (NDManager pass = manager().newSubManager()) {
            NDArray mask = pass.create(attentionMask);
            NDArray encoded = network.encode(pass.create(inputIds), mask);
            NDArray logits = network.logits(pass.create(decoderInputIds), encoded, mask, null);
            Shape shape = logits.getShape();
            float[] flat = logits.toFloatArray();
            int rows = (int) shape.get(0);
            int positions = (int) shape.get(1);
            int vocabulary = (int) shape.get(2);
            float[][][] result = new float[rows][positions][vocabulary];
            for (int row = 0; row < rows; row++) {
                for (int position = 0; position < positions; position++) {
                    System.arraycopy(flat, (row * positions + position) * vocabulary, result[row][position], 0,
                            vocabulary);
                }
            }
            return result;
        }
    }

    /** The forward pass on arrays: the encoder once, the decoder per step (see {@link EncoderDecoderNetwork}). */
    public EncoderDecoderNetwork network() {
        return network;
    }

    /** An empty decoder cache for one generation; close it when the generation ends. */
    public EncoderDecoderCache openCache(NDManager parent) {
        return network.openCache(parent);
    }

    /** Every weight by its Hugging Face name (tied copies absent), as training updates them in place. */
    public Map<String, NDArray> parameters() {
        return weights.trainable();
    }

    /** Starts a training step on this thread: the network reads aliases of the weights that collect gradients. */
    public Weights.GradientScope gradientScope(NDManager stepManager) {
        return weights.gradientScope(stepManager);
    }

    public HfConfig config() {
        return config;
    }

    public Seq2SeqFamily family() {
        return family;
    }

    /** The long-lived manager that owns the weights; open per-pass managers from it. */
    public NDManager manager() {
        return djlModel.getNDManager();
    }

    public Path sourceDirectory() {
        return sourceDirectory;
    }

    @Override
    public void close() {
        djlModel.close();
    }
}
