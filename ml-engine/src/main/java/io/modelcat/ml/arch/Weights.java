package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The model's parameters keyed by their Hugging Face state-dict names; arrays live in the model's manager. */
public final class Weights {

    private final Map<String, NDArray> byName;
    // Which names a forward pass read: tells the loader which checkpoint tensors no head uses.
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    public Weights(Map<String, NDArray> byName) {
        this.byName = new LinkedHashMap<>(byName);
    }

    public NDArray get(String name) {
        NDArray array = byName.get(name);
        if (array == null) {
            throw new IllegalArgumentException("checkpoint has no tensor named " + name);
        }
        read.add(name);
        return array;
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
