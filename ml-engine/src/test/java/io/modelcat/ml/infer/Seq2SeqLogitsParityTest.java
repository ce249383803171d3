package io.modelcat.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.ReferenceOutputs;
import io.modelcat.ml.model.Seq2SeqModel;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Teacher forcing on the tiny encoder-decoders: the logits of a right-padded source batch and two target rows are what
 * transformers computed (T5 v1.0 with its tied, rescaled head and ReLU; T5 v1.1 with gated GELU and its own head; BART
 * with DistilBART's layer counts, scaled embeddings and final_logits_bias).
 */
class Seq2SeqLogitsParityTest {

    static Stream<String> models() {
        return Stream.of("t5-v1_0", "t5-v1_1", "bart", "marian");
    }

    @ParameterizedTest
    @MethodSource("models")
    void teacherForcedLogitsMatchTransformers(String name) {
        JsonNode reference = Fixtures.seq2seqReference(name);
        JsonNode inputs = reference.get("inputs");
        ReferenceOutputs.Tensor expected = tensor(reference.get("logits"));
        long[][] mask = matrix(inputs.get("attention_mask"));
        assertThat(mask[1]).as("the source batch is padded").contains(0L);
        try (Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model(name))) {
            float[][][] logits = model.logits(matrix(inputs.get("input_ids")), mask,
                    matrix(inputs.get("decoder_input_ids")));
            int vocabulary = (int) expected.shape()[2];
            assertThat(new long[] {logits.length, logits[0].length, logits[0][0].length})
                    .containsExactly(expected.shape());
            float worst = 0;
            for (int row = 0; row < logits.length; row++) {
                for (int position = 0; position < logits[row].length; position++) {
                    for (int token = 0; token < vocabulary; token++) {
                        float want = expected.values()[(row * logits[row].length + position) * vocabulary + token];
                        worst = Math.max(worst, Math.abs(logits[row][position][token] - want));
                    }
                }
            }
            assertThat(worst).as("largest logit difference of %s", name).isLessThan(1e-4f);
        }
    }

    static ReferenceOutputs.Tensor tensor(JsonNode node) {
        return new ReferenceOutputs.Tensor(ReferenceOutputs.longs(node.get("shape")),
                ReferenceOutputs.floats(node.get("values")));
    }

    static long[][] matrix(JsonNode rows) {
        long[][] matrix = new long[rows.size()][];
        for (int row = 0; row < matrix.length; row++) {
            matrix[row] = ReferenceOutputs.longs(rows.get(row));
        }
        return matrix;
    }
}
