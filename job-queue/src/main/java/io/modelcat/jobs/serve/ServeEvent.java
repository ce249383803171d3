package io.modelcat.jobs.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line of a runner's streamed answer ({@code POST /serve/{instance}/stream}, JSON lines): new text of
 * input {@code input} as it is generated, then that input's whole prediction (as in {@link ServeResponse});
 * or, once, an error that ends the stream.
 *
 * @param input      the index of the input in the {@link ServeRequest}; null on an error
 * @param delta      text that the newest token(s) added; null on a prediction or an error
 * @param logprobs   with a delta, when the request asked for log-probabilities: the tokens whose text begins in it,
 *                   each as in the prediction's {@code logprobs} (see {@link ServeResponse}); null otherwise
 * @param prediction the input's prediction, after its last delta; null otherwise
 * @param error      why the stream ends early; null otherwise
 * @param status     with an error: 400 when the request does not suit the model, 500 when the model failed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServeEvent(Integer input, String delta, JsonNode logprobs, JsonNode prediction, String error,
                         Integer status) {

    public static ServeEvent delta(int input, String text) {
        return delta(input, text, null);
    }

    public static ServeEvent delta(int input, String text, JsonNode logprobs) {
        return new ServeEvent(input, text, logprobs, null, null, null);
    }

    public static ServeEvent prediction(int input, JsonNode prediction) {
        return new ServeEvent(input, null, null, prediction, null, null);
    }

    public static ServeEvent error(int status, String message) {
        return new ServeEvent(null, null, null, null, message, status);
    }
}
