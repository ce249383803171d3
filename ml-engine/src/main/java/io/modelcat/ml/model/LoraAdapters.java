package io.modelcat.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcat.ml.arch.ArchitectureFamily;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.ml.arch.LoraSpec;
import io.modelcat.ml.arch.TransformerNetwork;
import io.modelcat.ml.arch.Weights;
import io.modelcat.ml.checkpoint.CheckpointReader;
import io.modelcat.ml.checkpoint.SafetensorsReader;
import io.modelcat.ml.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * LoRA adapters on a loaded model, in {@code peft}'s format: a new adapter to train, an adapter read from a
 * folder ({@code adapter_config.json}, {@code adapter_model.safetensors}), an adapter written to one, and an
 * adapter merged into the base weights. While an adapter is attached only its A and B matrices train (and, for
 * a classification or question-answering head, the head, as {@code peft}'s {@code modules_to_save}); the
 * base weights stay as they were loaded.
 */
public final class LoraAdapters {

    /** The folder files of a {@code peft} adapter. */
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** What {@code peft} puts before every weight name in the file. */
    private static final String SAVED_PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Two-dimensional weights that are not linear layers an adapter runs through: embedding tables, LM heads. */
    private static final Set<String> NOT_LINEAR = Set.of("embed_tokens", "wte", "wpe", "word_embeddings",
            "position_embeddings", "token_type_embeddings", "shared", "embed_positions", "lm_head");

    private LoraAdapters() {}

    /**
     * Attaches a new adapter for training: for every targeted linear layer, A drawn as {@code peft} draws it
     * (Kaiming-uniform with a = sqrt(5), so uniform in +-1/sqrt(in)) and B zero, so that the model computes
     * exactly what it did until the first step. Freezes every other weight but the task head's.
     */
    public static void attach(TransformerModel model, LoraSpec spec, long seed) {
        requireNone(model);
        requireEachTargetMatches(model, spec);
        Random random = new Random(seed);
        Map<String, NDArray> created = new LinkedHashMap<>();
        NDManager manager = model.manager();
        for (String layer : targetedLayers(model, spec)) {
            long[] inOut = inAndOut(model, layer);
            float bound = (float) (1.0 / Math.sqrt(inOut[0]));
            float[] a = new float[Math.toIntExact(spec.rank() * inOut[0])];
            for (int index = 0; index < a.length; index++) {
                a[index] = (random.nextFloat() * 2f - 1f) * bound;
            }
            created.put(layer + LoraSpec.A, manager.create(a, new Shape(spec.rank(), inOut[0])));
            created.put(layer + LoraSpec.B, manager.zeros(new Shape(inOut[1], spec.rank())));
        }
        install(model, spec, created);
    }

    /** Attaches the adapter saved in {@code adapterDirectory} (by {@code peft} or by {@link #save}). */
    public static void load(TransformerModel model, Path adapterDirectory) {
        requireNone(model);
        LoraSpec spec = readSpec(adapterDirectory);
        Map<String, NDArray> saved = SafetensorsReader.read(adapterDirectory.resolve(WEIGHTS_FILE), model.manager());
        Map<String, NDArray> weights = new LinkedHashMap<>();
        Map<String, NDArray> head = new LinkedHashMap<>();
        Set<String> headNames = headParameterNames(model);
        try {
            saved.forEach((name, array) -> {
                String local = name.startsWith(SAVED_PREFIX) ? name.substring(SAVED_PREFIX.length()) : null;
                if (local != null && headNames.contains(local)) {
                    // peft's modules_to_save: the task head, trained whole, saved under its own names.
                    NDArray current = model.parameters().get(local);
                    if (!current.getShape().equals(array.getShape())) {
                        throw new IllegalArgumentException(name + " is " + array.getShape() + "; this model's head needs "
                                + current.getShape() + " (another number of labels?)");
                    }
                    head.put(local, array);
                    return;
                }
                if (local == null || !(name.endsWith(LoraSpec.A) || name.endsWith(LoraSpec.B))) {
                    throw new IllegalArgumentException(adapterDirectory.resolve(WEIGHTS_FILE) + " holds " + name
                            + ", which is not a LoRA weight (base_model.model.<layer>.lora_A/lora_B.weight) nor one of "
                            + "this model's task head (modules_to_save)");
                }
                weights.put(local, array);
            });
            Set<String> expected = new HashSet<>();
            for (String layer : targetedLayers(model, spec)) {
                long[] inOut = inAndOut(model, layer);
                expect(weights, layer + LoraSpec.A, new Shape(spec.rank(), inOut[0]), adapterDirectory);
                expect(weights, layer + LoraSpec.B, new Shape(inOut[1], spec.rank()), adapterDirectory);
                expected.add(layer + LoraSpec.A);
                expected.add(layer + LoraSpec.B);
            }
            for (String name : weights.keySet()) {
                if (!expected.contains(name)) {
                    throw new IllegalArgumentException("the adapter has " + name + ", a layer this model does not have "
                            + "or that its target_modules do not name");
                }
            }
        } catch (RuntimeException e) {
            saved.values().forEach(NDArray::close);
            throw e;
        }
        Weights all = model.weights();
        head.forEach((name, array) -> {
            all.remove(name).close();
            all.add(name, array);
        });
        install(model, spec, weights);
    }

    /**
     * Writes the attached adapter as {@code peft} does: {@code adapter_config.json} (with
     * {@code base_model_name_or_path} set to {@code baseModel}) and {@code adapter_model.safetensors}, keys
     * prefixed {@code base_model.model.}, sorted.
     */
    public static void save(TransformerModel model, Path directory, String baseModel) {
        LoraSpec spec = requireAdapter(model);
        Map<String, NDArray> tensors = new TreeMap<>();
        Set<String> head = headParameterNames(model);
        model.parameters().forEach((name, array) -> {
            if (name.endsWith(LoraSpec.A) || name.endsWith(LoraSpec.B) || head.contains(name)) {
                tensors.put(SAVED_PREFIX + name, array);
            }
        });
        try {
            Files.createDirectories(directory);
            SafetensorsWriter.write(directory.resolve(WEIGHTS_FILE), tensors);
            ObjectNode config = JSON.createObjectNode();
            config.put("peft_type", "LORA");
            config.put("task_type", peftTaskType(model.task()));
            config.put("base_model_name_or_path", baseModel);
            config.put("r", spec.rank());
            config.put("lora_alpha", spec.alpha());
            config.put("lora_dropout", spec.dropout());
            ArrayNode targets = config.putArray("target_modules");
            spec.targetModules().forEach(targets::add);
            // peft's flag for GPT-2's Conv1D layers (A and B are stored alike either way).
            config.put("fan_in_fan_out", spec.targetModules().stream().anyMatch(m -> isConv1d(model, "." + m)));
            config.put("bias", "none");
            config.put("use_rslora", false);
            config.put("use_dora", false);
            config.put("inference_mode", true);
            config.put("init_lora_weights", true);
            if (!head.isEmpty()) {
                // The head trains whole: peft's modules_to_save, one entry per linear layer of it, saved by their
                // own names (peft drops its modules_to_save.default. infix when saving).
                ArrayNode modules = config.putArray("modules_to_save");
                head.stream().map(n -> n.substring(0, n.lastIndexOf('.')))
                        // RoBERTa's head is one module (dense, then out_proj), which peft wraps whole.
                        .map(m -> m.startsWith("classifier.") ? "classifier" : m)
                        .distinct().sorted().forEach(modules::add);
            } else {
                config.putNull("modules_to_save");
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(directory.resolve(CONFIG_FILE).toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the adapter to " + directory, e);
        }
    }

    /**
     * Folds the attached adapter into the base weights ({@code W += scale * B A}, transposed for GPT-2's
     * {@code Conv1D}) and removes it, as {@code peft}'s {@code merge_and_unload}: the model then computes the
     * same without the adapter, every weight trains again, and {@link ModelSaver} can write it whole.
     */
    public static void merge(TransformerModel model) {
        LoraSpec spec = requireAdapter(model);
        Map<String, NDArray> parameters = model.parameters();
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray scale = scratch.create((float) spec.scale());
            for (String layer : targetedLayers(model, spec)) {
                NDArray a = parameters.get(layer + LoraSpec.A);
                NDArray b = parameters.get(layer + LoraSpec.B);
                NDArray delta = b.matMul(a).mul(scale);
                parameters.get(layer + ".weight").addi(isConv1d(model, layer) ? delta.transpose() : delta);
            }
        }
        uninstall(model);
    }

    /**
     * The base model of an adapter's folder: present when the folder holds {@code adapter_config.json} and no
     * weights of its own; {@code base_model_name_or_path} is an absolute path, or one relative to the folder.
     *
     * @throws IllegalArgumentException when that base folder does not exist
     */
    public static java.util.Optional<Path> baseOf(Path directory) {
        Path config = directory.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(config) || Files.exists(directory.resolve(CheckpointReader.SINGLE_FILE))
                || Files.exists(directory.resolve(CheckpointReader.SHARD_INDEX))) {
            return java.util.Optional.empty();
        }
        String named;
        try {
            named = JSON.readTree(config.toFile()).path("base_model_name_or_path").asText("");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + config + ": " + e.getMessage(), e);
        }
        if (named.isEmpty()) {
            throw new IllegalArgumentException(config + " names no base model (base_model_name_or_path)");
        }
        Path base = directory.resolve(named);
        if (!Files.isRegularFile(base.resolve("config.json"))) {
            throw new IllegalArgumentException("the adapter in " + directory + " is for the base model " + named
                    + ", which is not found there");
        }
        return java.util.Optional.of(base);
    }

    /** The task head's parameters of a classification or question-answering model (none for a language model). */
    private static Set<String> headParameterNames(TransformerModel model) {
        Set<String> head = new java.util.TreeSet<>();
        if (model.task() != HeadType.CAUSAL_LM && model.task() != HeadType.MASKED_LM) {
            TransformerNetwork.headParameters(model.config(), model.family(), model.task(), model.labels().size())
                    .forEach(p -> head.add(p.name()));
        }
        return head;
    }

    /** The adapter in use, if any. */
    public static java.util.Optional<LoraSpec> attached(TransformerModel model) {
        return java.util.Optional.ofNullable(model.network().lora());
    }

    /** An adapter folder's settings, checked: a LoRA adapter without the variants the engine does not run. */
    public static LoraSpec readSpec(Path adapterDirectory) {
        Path file = adapterDirectory.resolve(CONFIG_FILE);
        JsonNode config;
        try {
            config = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!"LORA".equals(config.path("peft_type").asText())) {
            throw new IllegalArgumentException(file + ": peft_type " + config.path("peft_type")
                    + " is not supported; only LORA adapters are");
        }
        for (String variant : List.of("use_dora", "use_rslora", "lora_bias")) {
            if (config.path(variant).asBoolean(false)) {
                throw new IllegalArgumentException(file + ": " + variant + " is not supported");
            }
        }
        if (!"none".equals(config.path("bias").asText("none"))) {
            throw new IllegalArgumentException(file + ": bias " + config.path("bias") + " is not supported; only \"none\"");
        }
        for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
            if (config.path(pattern).size() > 0) {
                throw new IllegalArgumentException(file + ": " + pattern + " (ranks per layer) is not supported");
            }
        }
        JsonNode targets = config.path("target_modules");
        if (!targets.isArray()) {
            throw new IllegalArgumentException(file + ": target_modules must be a list of layer names, not "
                    + targets);
        }
        List<String> modules = new ArrayList<>();
        targets.forEach(t -> modules.add(t.asText()));
        return new LoraSpec(config.path("r").asInt(8), config.path("lora_alpha").asDouble(8),
                config.path("lora_dropout").asDouble(0), modules);
    }

    private static void install(TransformerModel model, LoraSpec spec, Map<String, NDArray> adapter) {
        if (adapter.isEmpty()) {
            adapter.values().forEach(NDArray::close);
            throw new IllegalArgumentException("target_modules " + spec.targetModules() + " name no linear layer of "
                    + "this " + model.family() + " model");
        }
        Weights weights = model.weights();
        adapter.forEach(weights::add);
        Set<String> trained = new HashSet<>(adapter.keySet());
        if (model.task() != HeadType.CAUSAL_LM && model.task() != HeadType.MASKED_LM) {
            TransformerNetwork.headParameters(model.config(), model.family(), model.task(), model.labels().size())
                    .forEach(p -> trained.add(p.name()));
        }
        Set<String> frozen = new HashSet<>(weights.names());
        frozen.removeAll(trained);
        weights.freeze(frozen);
        model.network().adapt(spec);
    }

    private static void uninstall(TransformerModel model) {
        Weights weights = model.weights();
        model.network().adapt(null);
        for (String name : new ArrayList<>(weights.names())) {
            if (name.endsWith(LoraSpec.A) || name.endsWith(LoraSpec.B)) {
                weights.remove(name).close();
            }
        }
        weights.freeze(Set.of());
    }

    private static void requireNone(TransformerModel model) {
        if (model.network().lora() != null) {
            throw new IllegalStateException("the model has an adapter already; merge it first");
        }
    }

    private static LoraSpec requireAdapter(TransformerModel model) {
        LoraSpec spec = model.network().lora();
        if (spec == null) {
            throw new IllegalStateException("the model has no LoRA adapter");
        }
        return spec;
    }

    /**
     * The names of the layers an adapter can target, shortest first as {@code peft} users write them
     * ({@code q_proj}, {@code mlp.down_proj}): the last segment of each adaptable linear layer's name.
     */
    public static List<String> adaptableModules(TransformerModel model) {
        return linearLayers(model).stream().map(l -> l.substring(l.lastIndexOf('.') + 1)).distinct().sorted().toList();
    }

    /**
     * Refuses target modules of which one names no adaptable linear layer, naming them and the layers the model
     * has ({@code peft} would adapt the others silently; a misspelt name is a mistake to report).
     */
    private static void requireEachTargetMatches(TransformerModel model, LoraSpec spec) {
        List<String> layers = linearLayers(model);
        List<String> unmatched = spec.targetModules().stream()
                .filter(module -> layers.stream().noneMatch(layer -> LoraSpec.matches(layer, module))).toList();
        if (!unmatched.isEmpty()) {
            throw new IllegalArgumentException("LoRA target modules " + unmatched + " name no linear layer of this "
                    + model.family().name().toLowerCase(java.util.Locale.ROOT) + " model; its linear layers are "
                    + adaptableModules(model));
        }
    }

    /** The linear layers (by name, without {@code .weight}) that {@code spec} targets, in the model's order. */
    private static List<String> targetedLayers(TransformerModel model, LoraSpec spec) {
        return linearLayers(model).stream().filter(spec::targets).toList();
    }

    /**
     * The linear layers of the body (by name, without {@code .weight}) in the model's order: every two-dimensional
     * weight but the embedding tables, the language-model head and the task head (which trains whole instead).
     */
    private static List<String> linearLayers(TransformerModel model) {
        Set<String> head = headParameterNames(model);
        List<String> layers = new ArrayList<>();
        for (Map.Entry<String, NDArray> entry : model.parameters().entrySet()) {
            String name = entry.getKey();
            if (name.endsWith(".weight") && entry.getValue().getShape().dimension() == 2
                    && !name.endsWith(LoraSpec.A) && !name.endsWith(LoraSpec.B) && !head.contains(name)) {
                String layer = name.substring(0, name.length() - ".weight".length());
                if (!NOT_LINEAR.contains(layer.substring(layer.lastIndexOf('.') + 1))) {
                    layers.add(layer);
                }
            }
        }
        return layers;
    }

    /** A linear layer's input and output widths: {@code nn.Linear} stores (out, in), GPT-2's Conv1D (in, out). */
    private static long[] inAndOut(TransformerModel model, String layer) {
        Shape shape = model.parameters().get(layer + ".weight").getShape();
        return isConv1d(model, layer)
                ? new long[] {shape.get(0), shape.get(1)}
                : new long[] {shape.get(1), shape.get(0)};
    }

    /** GPT-2's projections are {@code Conv1D}s (weights stored in, out); its heads are {@code nn.Linear}s. */
    private static boolean isConv1d(TransformerModel model, String layer) {
        return model.family() == ArchitectureFamily.GPT2
                && List.of("c_attn", "c_proj", "c_fc").contains(layer.substring(layer.lastIndexOf('.') + 1));
    }

    private static void expect(Map<String, NDArray> weights, String name, Shape shape, Path directory) {
        NDArray array = weights.get(name);
        if (array == null) {
            throw new IllegalArgumentException(directory.resolve(WEIGHTS_FILE) + " lacks " + SAVED_PREFIX + name);
        }
        if (!array.getShape().equals(shape)) {
            throw new IllegalArgumentException(SAVED_PREFIX + name + " is " + array.getShape() + "; this model needs "
                    + shape);
        }
    }

    private static String peftTaskType(HeadType task) {
        return switch (task) {
            case CAUSAL_LM -> "CAUSAL_LM";
            case SEQUENCE_CLASSIFICATION -> "SEQ_CLS";
            case TOKEN_CLASSIFICATION -> "TOKEN_CLS";
            case QUESTION_ANSWERING -> "QUESTION_ANS";
            case MASKED_LM -> "FEATURE_EXTRACTION";
        };
    }
}
