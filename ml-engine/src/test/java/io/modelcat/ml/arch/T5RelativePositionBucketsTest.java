package io.modelcat.ml.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.ml.Fixtures;
import io.modelcat.ml.ReferenceOutputs;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * T5's relative-position buckets for real checkpoints' settings (32 buckets, distance 128) are transformers' for every
 * relative position from -300 to 300, both directions: the tiny fixtures (8 buckets, distance 16) reach only a few of
 * the logarithmic buckets, so this covers the float32 logarithm at every boundary that t5-small and flan-t5 meet.
 */
class T5RelativePositionBucketsTest {

    @Test
    void bucketsAreTransformers() throws IOException {
        JsonNode buckets = new ObjectMapper().readTree(Fixtures.root().resolve("seq2seq-reference-outputs.json")
                .toFile()).get("t5_buckets");
        int count = buckets.get("num_buckets").asInt();
        int distance = buckets.get("max_distance").asInt();
        long[] relative = ReferenceOutputs.longs(buckets.get("relative_positions"));
        long[] bidirectional = ReferenceOutputs.longs(buckets.get("bidirectional"));
        long[] unidirectional = ReferenceOutputs.longs(buckets.get("unidirectional"));
        assertThat(relative).hasSize(601);
        for (int index = 0; index < relative.length; index++) {
            int position = (int) relative[index];
            assertThat(T5EncoderDecoder.bucket(position, true, count, distance)).as("bidirectional %d", position)
                    .isEqualTo(bidirectional[index]);
            assertThat(T5EncoderDecoder.bucket(position, false, count, distance)).as("causal %d", position)
                    .isEqualTo(unidirectional[index]);
        }
    }
}
