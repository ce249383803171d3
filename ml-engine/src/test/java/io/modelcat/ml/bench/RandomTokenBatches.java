package io.modelcat.ml.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.modelcat.ml.train.BatchEncoder;
import io.modelcat.ml.train.EncodedBatch;
import java.util.List;
import java.util.Random;

/** Full-length batches of random token ids and labels, made on the host and copied to the model's device. */
final class RandomTokenBatches implements BatchEncoder<Integer> {

    private final int sequenceLength;
    private final int vocabulary;
    private final int labelCount;
    private final Random random = new Random(0);

    RandomTokenBatches(int sequenceLength, int vocabulary, int labelCount) {
        this.sequenceLength = sequenceLength;
        this.vocabulary = vocabulary;
        this.labelCount = labelCount;
    }

    /** Input ids, an all-ones attention mask and zero token types. */
    NDList inputs(int batch, NDManager manager) {
        long[] ids = new long[batch * sequenceLength];
        long[] mask = new long[ids.length];
        for (int index = 0; index < ids.length; index++) {
            ids[index] = random.nextInt(vocabulary);
            mask[index] = 1;
        }
        Shape shape = new Shape(batch, sequenceLength);
        return new NDList(manager.create(ids, shape), manager.create(mask, shape), manager.zeros(shape,
                ai.djl.ndarray.types.DataType.INT64));
    }

    @Override
    public EncodedBatch encode(List<Integer> examples, NDManager manager) {
        int batch = examples.size();
        long[] targets = new long[batch];
        float[] weights = new float[batch];
        for (int row = 0; row < batch; row++) {
            targets[row] = random.nextInt(labelCount);
            weights[row] = 1f;
        }
        return new EncodedBatch(inputs(batch, manager), manager.create(targets), manager.create(weights),
                manager.create((float) batch));
    }
}
