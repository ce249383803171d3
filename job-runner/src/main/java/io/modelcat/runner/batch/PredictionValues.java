package io.modelcat.runner.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.modelcat.jobs.task.Task;
import java.util.List;
import java.util.Map;

/**
 * A prediction's natural value for predictions.csv: the label, the answer, the entities as JSON, the best
 * fill of each mask, or the generated text; the whole prediction as JSON for any other task.
 */
final class PredictionValues {

    // Maps' keys in order: a prediction's map (Map.of) iterates in an order of its JVM's, and the runners that
    // score one invocation's mini-batches must write them alike.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private PredictionValues() {
    }

    static String of(Task task, Object prediction) {
        return switch (task) {
            case TEXT_CLASSIFICATION -> String.valueOf(field(prediction, "label"));
            case QUESTION_ANSWERING -> String.valueOf(field(prediction, "answer"));
            case TEXT_GENERATION, SUMMARIZATION, TRANSLATION -> String.valueOf(field(prediction, "generatedText"));
            case TOKEN_CLASSIFICATION -> json(field(prediction, "entities"));
            case FILL_MASK -> bestFills(prediction);
            default -> json(prediction);
        };
    }

    private static Object field(Object prediction, String name) {
        return prediction instanceof Map<?, ?> map ? map.get(name) : null;
    }

    /** The best candidate of each mask, in order, separated by spaces. */
    private static String bestFills(Object prediction) {
        StringBuilder fills = new StringBuilder();
        if (prediction instanceof List<?> masks) {
            for (Object mask : masks) {
                if (field(mask, "candidates") instanceof List<?> candidates && !candidates.isEmpty()) {
                    fills.append(fills.isEmpty() ? "" : " ").append(field(candidates.get(0), "token"));
                }
            }
        }
        return fills.toString();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a prediction as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
