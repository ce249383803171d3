package io.modelcat.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.modelcat.ml.arch.TransformerNetwork;
import java.util.Map;

/**
 * Presents a {@link TransformerNetwork} as a DJL {@code Block} whose parameter names are the
 * Hugging Face state-dict keys, so DJL tooling (Model, Predictor, parameter listings) sees it.
 */
final class TransformerBlock extends AbstractBlock {

    private final TransformerNetwork network;

    TransformerBlock(TransformerNetwork network, Map<String, NDArray> weights) {
        this.network = network;
        weights.forEach((name, array) -> addParameter(Parameter.builder()
                .setName(name)
                .setType(name.endsWith(".bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT)
                .optArray(array)
                .build()));
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(network.forward(inputs, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        // Output shapes depend on the task head; nothing in this engine asks DJL to infer them.
        throw new UnsupportedOperationException("output shapes depend on the task head");
    }
}
