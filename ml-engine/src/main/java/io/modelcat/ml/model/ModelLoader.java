package io.modelcat.ml.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.DjlEnvironment;
import io.modelcat.ml.arch.ArchitectureFamily;
import io.modelcat.ml.arch.ParameterSpec;
import io.modelcat.ml.arch.ScalarConstants;
import io.modelcat.ml.arch.Seq2SeqFamily;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.arch.TransformerNetwork;
import io.modelcat.ml.arch.Weights;
import io.modelcat.ml.checkpoint.CheckpointReader;
import io.modelcat.ml.checkpoint.HfConfig;
import io.modelcat.ml.tokenize.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads a local Hugging Face model directory (config.json, tokenizer.json, safetensors) for DJL. */
public final class ModelLoader {

    public static final String ENGINE = "PyTorch";
    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private ModelLoader() {}

    /** Loads the checkpoint on the CPU with the task head that its {@code architectures} entry names. */
    public static TransformerModel load(Path modelDirectory) {
        return load(modelDirectory, Optional.empty(), Device.cpu());
    }

    /** Loads the checkpoint on {@code device} (CPU or {@code Device.gpu(i)}) with its own task head. */
    public static TransformerModel load(Path modelDirectory, Device device) {
        return load(modelDirectory, Optional.empty(), device);
    }

    /** Loads the checkpoint's body on the CPU and puts the requested head with the user's labels on top. */
    public static TransformerModel load(Path modelDirectory, HeadRequest head) {
        return load(modelDirectory, Optional.of(head), Device.cpu());
    }

    /**
     * Loads the checkpoint's body on {@code device} and puts the requested head on top. Weights,
     * optimizer state and every batch that fine-tuning or inference makes live on that device.
     */
    public static TransformerModel load(Path modelDirectory, HeadRequest head, Device device) {
        return load(modelDirectory, Optional.of(head), device);
    }

    /**
     * Loads an encoder-decoder checkpoint ({@code T5ForConditionalGeneration}, {@code BartForConditionalGeneration})
     * on {@code device}; see {@link Seq2SeqModel}.
     */
    public static Seq2SeqModel loadEncoderDecoder(Path modelDirectory, Device device) {
        requireAvailable(device);
        return Seq2SeqModel.load(modelDirectory, device);
    }

    /** GPUs that the PyTorch engine sees in this process; 0 on a CPU-only host. */
    public static int gpuCount() {
        DjlEnvironment.configure();
        return Engine.getEngine(ENGINE).getGpuCount();
    }

    /**
     * The {@code config.json} of a model folder; for a LoRA adapter's folder, its own when it has one (an adapter
     * of a model with a task head: the head's class and labels, see {@link ModelSaver#save}), else its base
     * model's (see {@link LoraAdapters#baseOf}).
     */
    public static HfConfig checkpointConfig(Path modelDirectory) {
        Path model = Files.isRegularFile(modelDirectory.resolve("config.json")) ? modelDirectory
                : LoraAdapters.baseOf(modelDirectory).orElse(modelDirectory);
        return HfConfig.read(model.resolve("config.json"));
    }

    private static TransformerModel load(Path modelDirectory, Optional<HeadRequest> request, Device device) {
        return load(modelDirectory, request, device, false);
    }

    /**
     * @param headFromAdapter whether the head's weights come from the adapter loaded next (its {@code modules_to_save},
     *     which the engine writes for every adapter of a model with a head): a head made here for the adapter's labels
     *     is then a placeholder, neither logged nor listed as {@link TransformerModel#newlyInitialised}
     */
    private static TransformerModel load(Path modelDirectory, Optional<HeadRequest> request, Device device,
                                         boolean headFromAdapter) {
        Optional<Path> base = LoraAdapters.baseOf(modelDirectory);
        if (base.isPresent()) {
            // A LoRA adapter's folder: its base, then the adapter on top; the head (its class and labels) is the one
            // the adapter's own config.json names, when it has one, and its weights are the adapter's.
            Optional<HeadRequest> head = request.isPresent() ? request : adapterHead(modelDirectory);
            TransformerModel model = load(base.get(), head, device, request.isEmpty() && head.isPresent());
            try {
                LoraAdapters.load(model, modelDirectory);
                return model;
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
        DjlEnvironment.configure();
        requireAvailable(device);
        HfConfig checkpointConfig = HfConfig.read(modelDirectory.resolve("config.json"));
        if (Seq2SeqFamily.ofModelType(checkpointConfig.modelType()).isPresent()) {
            throw new IllegalArgumentException(modelDirectory + " holds an encoder-decoder ("
                    + checkpointConfig.modelType() + "): load it with ModelLoader.loadEncoderDecoder");
        }
        ArchitectureFamily family = ArchitectureFamily.fromModelType(checkpointConfig.modelType());
        HeadType task = request.map(HeadRequest::task).orElseGet(() -> checkpointConfig.architecture()
                .flatMap(HeadType::fromTransformersClass)
                .orElseThrow(() -> new IllegalArgumentException(modelDirectory
                        + " holds a base model without a task head; ask for one with a HeadRequest")));
        if (!family.heads().contains(task)) {
            throw new IllegalArgumentException("the engine has no " + task + " head for " + family + " models; it has "
                    + family.heads());
        }
        List<String> labels = task.isClassification()
                ? request.map(HeadRequest::labels).orElseGet(checkpointConfig::labels)
                : List.of();
        HfConfig labelled = task.isClassification() ? checkpointConfig.withLabels(labels) : checkpointConfig;
        if (task == HeadType.QUESTION_ANSWERING && checkpointConfig.labels().size() != 2) {
            // transformers sizes qa_outputs by num_labels (DistilBERT refuses anything but 2): start and end.
            labelled = checkpointConfig.withLabels(List.of("LABEL_0", "LABEL_1"));
        }
        HfConfig config = labelled.withArchitecture(family.transformersClass(task));

        Model djlModel = Model.newInstance(modelDirectory.getFileName().toString(), device, ENGINE);
        try {
            NDManager manager = djlModel.getNDManager();
            Map<String, NDArray> tensors = withBasePrefix(CheckpointReader.read(modelDirectory, manager), family);
            aliasDecoderBias(tensors);
            boolean labelsChanged = task.isClassification() && !labels.equals(checkpointConfig.labels());
            long seed = request.map(HeadRequest::seed).orElse(0L);
            List<String> created = completeHead(tensors, config, family, task, labels.size(), labelsChanged, seed,
                    manager, headFromAdapter);
            ScalarConstants constants = new ScalarConstants(manager);
            Weights all = new Weights(tensors);
            Weights used = dropUnused(all, TransformerNetwork.create(config, family, task, all, constants), manager);
            TransformerNetwork network = TransformerNetwork.create(config, family, task, used, constants);
            djlModel.setBlock(new TransformerBlock(network, used.asMap()));
            TextTokenizer tokenizer = TextTokenizer.load(modelDirectory.resolve("tokenizer.json"),
                    config.intValue("pad_token_id", 0));
            return new TransformerModel(djlModel, config, family, task, labels, used, network, constants, tokenizer,
                    modelDirectory, created);
        } catch (RuntimeException e) {
            djlModel.close();
            throw e;
        }
    }

    /**
     * The head an adapter's folder was trained with, from the {@code config.json} beside the adapter: its
     * {@code architectures} entry's task and, for classification, its labels; none when the folder has no
     * {@code config.json} (a language model's adapter: the base's own head).
     */
    private static Optional<HeadRequest> adapterHead(Path adapterDirectory) {
        Path file = adapterDirectory.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        HfConfig config = HfConfig.read(file);
        HeadType task = config.architecture().flatMap(HeadType::fromTransformersClass)
                .orElseThrow(() -> new IllegalArgumentException(file + " names no task head the engine has "
                        + "(architectures " + config.architecture().orElse("missing") + ")"));
        return Optional.of(new HeadRequest(task, task.isClassification() ? config.labels() : List.of(), 0));
    }

    /** Fails early with a clear message rather than deep inside the engine at the first array. */
    private static void requireAvailable(Device device) {
        if (device.isGpu() && device.getDeviceId() >= gpuCount()) {
            throw new IllegalArgumentException("device " + device + " is not available: the PyTorch engine sees "
                    + gpuCount() + " GPU(s)");
        }
    }

    /** Base-model checkpoints ({@code BertModel}, {@code GPT2Model}) save their keys without the prefix. */
    private static Map<String, NDArray> withBasePrefix(Map<String, NDArray> tensors, ArchitectureFamily family) {
        String prefix = family.basePrefix() + ".";
        boolean prefixed = tensors.keySet().stream().anyMatch(name -> name.startsWith(prefix));
        Map<String, NDArray> renamed = new LinkedHashMap<>();
        tensors.forEach((name, array) -> {
            String key = prefixed || isHeadKey(name) ? name : prefix + name;
            array.setName(key);
            renamed.put(key, array);
        });
        return renamed;
    }

    /**
     * Some checkpoints store a masked-LM bias only under its decoder alias
     * ({@code cls.predictions.decoder.bias}, {@code lm_head.decoder.bias}); the head reads the
     * canonical name, which is also the one written back.
     */
    private static void aliasDecoderBias(Map<String, NDArray> tensors) {
        for (String head : new String[] {"cls.predictions", "lm_head"}) {
            NDArray alias = tensors.get(head + ".decoder.bias");
            if (alias != null && !tensors.containsKey(head + ".bias")) {
                tensors.remove(head + ".decoder.bias");
                alias.setName(head + ".bias");
                tensors.put(head + ".bias", alias);
            }
        }
    }

    private static boolean isHeadKey(String name) {
        return name.startsWith("classifier.") || name.startsWith("pre_classifier.") || name.startsWith("lm_head.")
                || name.startsWith("cls.") || name.startsWith("qa_outputs.") || name.startsWith("vocab_");
    }

    private static List<String> completeHead(Map<String, NDArray> tensors, HfConfig config, ArchitectureFamily family,
            HeadType task, int labelCount, boolean labelsChanged, long seed, NDManager manager,
            boolean headFromAdapter) {
        HeadInitializer initializer = new HeadInitializer(config.doubleValue("initializer_range", 0.02), seed);
        List<String> created = new ArrayList<>();
        for (ParameterSpec spec : TransformerNetwork.headParameters(config, family, task, labelCount)) {
            NDArray existing = tensors.get(spec.name());
            // A pooler belongs to the pretrained body and survives a new label set; a classifier does not.
            boolean partOfBody = spec.name().startsWith(family.basePrefix() + ".");
            boolean usable = existing != null && existing.getShape().equals(spec.shape())
                    && (partOfBody || !labelsChanged);
            if (!usable) {
                if (existing != null) {
                    existing.close();
                }
                tensors.put(spec.name(), initializer.create(spec, manager));
                created.add(spec.name());
            }
        }
        if (headFromAdapter) {
            return List.of();
        }
        if (!created.isEmpty()) {
            LOG.info("Initialised new head parameters {}; fine-tune before use", created);
        }
        return created;
    }

    /**
     * Runs one tiny forward pass to learn which tensors the network reads, and closes the rest
     * (an MLM head, a tied {@code lm_head.weight} copy, buffers) so training and saving skip them.
     */
    private static Weights dropUnused(Weights all, TransformerNetwork network, NDManager manager) {
        try (NDManager probe = manager.newSubManager()) {
            NDList inputs = new NDList(probe.zeros(new Shape(1, 2), DataType.INT64), probe.ones(new Shape(1, 2), DataType.INT64));
            network.forward(inputs, false);
        }
        List<String> unused = new ArrayList<>();
        for (String name : all.names()) {
            if (!all.namesRead().contains(name)) {
                unused.add(name);
                all.asMap().get(name).close();
            }
        }
        if (!unused.isEmpty()) {
            LOG.info("Checkpoint tensors not used by this task head: {}", unused);
        }
        return all.retainOnly(all.namesRead());
    }
}
