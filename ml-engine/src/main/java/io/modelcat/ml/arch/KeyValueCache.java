package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * The keys and values a decoder's attention layers have computed for the positions seen so far, so that
 * each new token costs one position's pass instead of the whole sequence's (what {@code transformers} calls
 * a {@code DynamicCache}). One cache serves one generation: open it with {@link #open}, run the prompt and
 * then each new token through {@link TransformerNetwork#nextTokenLogits}, close it at the end.
 *
 * <p>The cache owns a manager of its own, a sub-manager of the model's: the cached arrays outlive every
 * step's manager and die with the cache. Keys and values are kept as the attention layer uses them before
 * any repetition of heads, (batch, key/value heads, positions, head size), after rotary embeddings where the
 * architecture has them.
 */
public final class KeyValueCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    private KeyValueCache(NDManager manager, int layers) {
        this.manager = manager;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
    }

    /** An empty cache for a network of {@code layers} attention layers, its arrays under {@code parent}. */
    public static KeyValueCache open(NDManager parent, int layers) {
        if (layers <= 0) {
            throw new IllegalArgumentException("a cache needs at least one layer: " + layers);
        }
        return new KeyValueCache(parent.newSubManager(), layers);
    }

    /** How many positions every layer holds: the offset of the next position to run. */
    public int length() {
        return length;
    }

    /**
     * Adds one layer's keys and values of the new positions, (batch, heads, new, size), and answers all of
     * that layer's keys and values so far (the old ones first). The answered arrays belong to the cache but are
     * lent to the manager of {@code key} (the caller's pass) until it closes: what attention computes from them
     * (a transpose, repeated key/value heads) lands there and dies with the pass. Left in the cache's manager,
     * those arrays would stay until the generation ends, each step's views pinning the keys and values that
     * the next step replaces.
     */
    NDList append(int layer, NDArray key, NDArray value) {
        NDManager pass = key.getManager();
        if (keys[layer] == null) {
            keys[layer] = own(key);
            values[layer] = own(value);
        } else {
            keys[layer] = extend(keys[layer], key);
            values[layer] = extend(values[layer], value);
        }
        keys[layer].tempAttach(pass);
        values[layer].tempAttach(pass);
        return new NDList(keys[layer], values[layer]);
    }

    /** Marks {@code positions} new positions as held by every layer; called once per pass, after the last layer. */
    void advance(int positions) {
        length += positions;
    }

    /** How many arrays the cache's manager holds: two per layer once every layer has run. */
    int heldArrays() {
        return manager.getManagedArrays().size();
    }

    private NDArray own(NDArray array) {
        array.attach(manager);
        return array;
    }

    private NDArray extend(NDArray old, NDArray added) {
        // The first operand's manager (the cache's) receives the result.
        NDArray joined = old.concat(added, 2);
        joined.attach(manager);
        old.close();
        return joined;
    }

    @Override
    public void close() {
        manager.close();
    }
}
