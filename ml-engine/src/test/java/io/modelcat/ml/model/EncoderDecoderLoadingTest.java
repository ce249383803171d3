package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.ReferenceOutputs;
import io.modelcat.ml.arch.EncoderDecoderCache;
import io.modelcat.ml.arch.Seq2SeqFamily;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Loading the tiny encoder-decoders, and their decoder cache against the whole-target pass. */
class EncoderDecoderLoadingTest {

    static Stream<String> models() {
        return Stream.of("t5-v1_0", "t5-v1_1", "bart", "marian");
    }

    @Test
    void theLoaderRecognisesEncoderDecodersAndSendsThemToTheirOwnEntryPoint() {
        assertThat(Seq2SeqFamily.ofModelType("t5")).contains(Seq2SeqFamily.T5);
        assertThat(Seq2SeqFamily.ofModelType("bart")).contains(Seq2SeqFamily.BART);
        assertThat(Seq2SeqFamily.ofModelType("marian")).contains(Seq2SeqFamily.MARIAN);
        assertThat(Seq2SeqFamily.ofModelType("bert")).isEmpty();
        assertThat(Seq2SeqFamily.T5.transformersClass()).isEqualTo("T5ForConditionalGeneration");
        assertThat(Seq2SeqFamily.BART.transformersClass()).isEqualTo("BartForConditionalGeneration");
        assertThatThrownBy(() -> ModelLoader.load(Fixtures.model("t5-v1_0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loadEncoderDecoder");
        try (Seq2SeqModel model = ModelLoader.loadEncoderDecoder(Fixtures.model("bart"), Device.cpu())) {
            assertThat(model.family()).isEqualTo(Seq2SeqFamily.BART);
        }
        assertThatThrownBy(() -> Seq2SeqModel.load(Fixtures.model("bert")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an encoder-decoder");
    }

    /**
     * The decoder run one position at a time against the cache (its self-attention keys and values growing, the
     * cross-attention ones computed at the first step) gives the logits of the whole-target pass, position by position.
     */
    @ParameterizedTest
    @MethodSource("models")
    void cachedStepsGiveTheWholeTargetLogits(String name) {
        JsonNode inputs = Fixtures.seq2seqReference(name).get("inputs");
        long[][] decoderIds = matrix(inputs.get("decoder_input_ids"));
        try (Seq2SeqModel model = Seq2SeqModel.load(Fixtures.model(name));
                NDManager manager = model.manager().newSubManager();
                EncoderDecoderCache cache = model.openCache(manager)) {
            NDArray mask = manager.create(matrix(inputs.get("attention_mask")));
            NDArray encoded = model.network().encode(manager.create(matrix(inputs.get("input_ids"))), mask);
            float[] whole = model.network().logits(manager.create(decoderIds), encoded, mask, null).toFloatArray();
            int rows = decoderIds.length;
            int positions = decoderIds[0].length;
            int vocabulary = whole.length / (rows * positions);
            for (int position = 0; position < positions; position++) {
                long[][] step = new long[rows][];
                for (int row = 0; row < rows; row++) {
                    step[row] = new long[] {decoderIds[row][position]};
                }
                float[] cached = model.network().logits(manager.create(step), encoded, mask, cache).toFloatArray();
                assertThat(cache.length()).isEqualTo(position + 1);
                for (int row = 0; row < rows; row++) {
                    for (int token = 0; token < vocabulary; token++) {
                        assertThat(cached[row * vocabulary + token]).as("%s row %d position %d", name, row, position)
                                .isCloseTo(whole[(row * positions + position) * vocabulary + token],
                                        org.assertj.core.data.Offset.offset(1e-5f));
                    }
                }
            }
        }
    }

    private static long[][] matrix(JsonNode rows) {
        long[][] matrix = new long[rows.size()][];
        for (int row = 0; row < matrix.length; row++) {
            matrix[row] = ReferenceOutputs.longs(rows.get(row));
        }
        return matrix;
    }
}
