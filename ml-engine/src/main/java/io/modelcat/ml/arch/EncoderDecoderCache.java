package io.modelcat.ml.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.function.Supplier;

/**
 * What an encoder-decoder's decoder keeps between generation steps: per layer, the self-attention keys and values of
 * the positions decoded so far (growing by one position a step) and the cross-attention keys and values of the
 * encoder output (computed at the first step, then only read). One cache serves one generation; close it at the end.
 *
 * <p>As {@link KeyValueCache}, the cache owns a sub-manager of the model's, and lends its arrays to the pass that
 * reads them. Beam search reorders the rows with {@link #reorder} after each step; the cross-attention arrays are
 * the same for every beam of an input, so a reorder that keeps each row within its input leaves them as they are.
 */
public final class EncoderDecoderCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final NDArray[] crossKeys;
    private final NDArray[] crossValues;
    private int length;

    private EncoderDecoderCache(NDManager manager, int layers) {
        this.manager = manager;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.crossKeys = new NDArray[layers];
        this.crossValues = new NDArray[layers];
    }

    /** An empty cache for a decoder of {@code layers} layers, its arrays under {@code parent}. */
    public static EncoderDecoderCache open(NDManager parent, int layers) {
        if (layers <= 0) {
            throw new IllegalArgumentException("a cache needs at least one layer: " + layers);
        }
        return new EncoderDecoderCache(parent.newSubManager(), layers);
    }

    /** How many decoder positions every layer holds: the offset of the next position to run. */
    public int length() {
        return length;
    }

    /** Adds one layer's self-attention keys and values of the new positions and answers all of them so far. */
    NDList appendSelf(int layer, NDArray key, NDArray value) {
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

    /** The layer's cross-attention keys and values: {@code compute}d at the first call, then kept. */
    NDList cross(int layer, NDManager pass, Supplier<NDList> compute) {
        if (crossKeys[layer] == null) {
            NDList computed = compute.get();
            crossKeys[layer] = own(computed.get(0));
            crossValues[layer] = own(computed.get(1));
        }
        crossKeys[layer].tempAttach(pass);
        crossValues[layer].tempAttach(pass);
        return new NDList(crossKeys[layer], crossValues[layer]);
    }

    /** Marks {@code positions} new positions as held by every layer; called once per pass, after the last layer. */
    void advance(int positions) {
        length += positions;
    }

    /**
     * Keeps, for each new row {@code i}, the self-attention keys and values of old row {@code rows[i]} (beam search:
     * the beams that continue, from the beams they extend). Each row must stay within the rows of its own input.
     */
    public void reorder(int[] rows) {
        for (int layer = 0; layer < keys.length; layer++) {
            if (keys[layer] != null) {
                keys[layer] = select(keys[layer], rows);
                values[layer] = select(values[layer], rows);
            }
        }
    }

    private NDArray select(NDArray old, int[] rows) {
        NDList picked = new NDList(rows.length);
        for (int row : rows) {
            picked.add(old.get("{}:{}", row, row + 1));
        }
        NDArray selected = picked.size() == 1 ? picked.get(0) : NDArrays.concat(picked, 0);
        selected.attach(manager);
        for (NDArray slice : picked) {
            if (slice != selected) {
                slice.close();
            }
        }
        old.close();
        return selected;
    }

    private NDArray own(NDArray array) {
        array.attach(manager);
        return array;
    }

    private NDArray extend(NDArray old, NDArray added) {
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
