package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The model's parameters keyed by their Hugging Face state-dict names; arrays live in the model's manager. */
public final class Weights {

    private final Map<String, NDArray> byName;
    // Names that training leaves as they are (a LoRA adapter's base); empty: every weight trains.
    private volatile Set<String> frozen = Set.of();
    // Which names a forward pass read: tells the loader which checkpoint tensors no head uses.
    private final Set<String> read = ConcurrentHashMap.newKeySet();
    // The training step running on a thread reads aliases that collect its gradients (see gradientScope).
    private final ThreadLocal<Map<String, NDArray>> stepAliases = new ThreadLocal<>();

    public Weights(Map<String, NDArray> byName) {
        this.byName = new LinkedHashMap<>(byName);
    }

    public NDArray get(String name) {
        Map<String, NDArray> aliases = stepAliases.get();
        NDArray array = aliases == null ? byName.get(name) : aliases.get(name);
        if (array == null) {
            throw new IllegalArgumentException("checkpoint has no tensor named " + name);
        }
        read.add(name);
        return array;
    }

    /**
     * Starts a training step on the calling thread: until the returned scope is closed, {@link #get}
     * on this thread answers with an alias of each weight (the same storage, a handle in
     * {@code stepManager}) that requires a gradient and has none yet. Backward then gives each alias
     * the gradient it computed, without copying it or adding it to an older one, as torch does
     * after {@code optimizer.zero_grad(set_to_none=True)}; the weights themselves never hold a
     * gradient, so nothing is zeroed or accumulated into between steps, and the gradients are freed
     * with the step. Other threads keep reading the weights themselves.
     */
    public GradientScope gradientScope(NDManager stepManager) {
        Map<String, NDArray> aliases = new LinkedHashMap<>();
        Map<String, NDArray> trained = new LinkedHashMap<>();
        Set<String> kept = frozen;
        byName.forEach((name, weight) -> {
            if (kept.contains(name)) {
                // Read as it is: no gradient is computed for it, and backward does not reach it.
                aliases.put(name, weight);
                return;
            }
            NDArray alias = weight.stopGradient();
            alias.attach(stepManager);
            alias.setRequiresGradient(true);
            aliases.put(name, alias);
            trained.put(name, alias);
        });
        stepAliases.set(aliases);
        return new GradientScope(trained);
    }

    /** Adds a weight (a LoRA adapter's A or B); it trains unless {@link #freeze} says otherwise. */
    public void add(String name, NDArray array) {
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("a weight named " + name + " exists already");
        }
        array.setName(name);
        byName.put(name, array);
    }

    /** Removes a weight and answers it (closing it is the caller's). */
    public NDArray remove(String name) {
        frozen = frozen.stream().filter(n -> !n.equals(name)).collect(java.util.stream.Collectors.toUnmodifiableSet());
        return byName.remove(name);
    }

    /** From now on training leaves exactly these weights as they are (an empty set trains every weight). */
    public void freeze(Set<String> names) {
        frozen = Set.copyOf(names);
    }

    /** The weights that training changes, by name, in order. */
    public Map<String, NDArray> trainable() {
        Map<String, NDArray> trained = new LinkedHashMap<>();
        Set<String> kept = frozen;
        byName.forEach((name, weight) -> {
            if (!kept.contains(name)) {
                trained.put(name, weight);
            }
        });
        return Collections.unmodifiableMap(trained);
    }

    /** One training step's aliases of the weights; see {@link #gradientScope}. */
    public final class GradientScope implements AutoCloseable {

        private final Map<String, NDArray> aliases;

        private GradientScope(Map<String, NDArray> aliases) {
            this.aliases = aliases;
        }

        /**
         * Each trained weight's gradient after backward, by name, in the step's manager; zeros for a weight
         * that the loss does not depend on. Frozen weights have none.
         */
        public Map<String, NDArray> gradients() {
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            aliases.forEach((name, alias) -> gradients.put(name, alias.getGradient()));
            return gradients;
        }

        @Override
        public void close() {
            stepAliases.remove();
        }
    }

    /** The names that {@link #get} has been asked for so far. */
    public Set<String> namesRead() {
        return Collections.unmodifiableSet(read);
    }

    /** A copy holding only the given names, in this store's order. */
    public Weights retainOnly(Set<String> names) {
        Map<String, NDArray> kept = new LinkedHashMap<>();
        byName.forEach((name, array) -> {
            if (names.contains(name)) {
                kept.put(name, array);
            }
        });
        return new Weights(kept);
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    public Map<String, NDArray> asMap() {
        return Collections.unmodifiableMap(byName);
    }
}
