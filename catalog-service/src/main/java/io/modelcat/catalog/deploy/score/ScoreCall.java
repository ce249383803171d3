package io.modelcat.catalog.deploy.score;

import io.modelcat.jobs.serve.ServeRequest;
import io.modelcat.jobs.spec.PredictSpec;
import java.util.List;
import java.util.Map;

/**
 * A scoring request understood: the shape it came in (which decides the shape of the answer), the
 * task's inputs by name, one map per input, and the settings it asked for.
 *
 * @param returnFullText text generation: whether the answer repeats the prompt before the new text
 * @param stop           text generation: strings at which the generated text is cut
 */
public record ScoreCall(Shape shape, List<Map<String, String>> inputs, Integer candidates,
                        PredictSpec.Generation generation, boolean returnFullText, List<String> stop) {

    public ScoreCall {
        inputs = List.copyOf(inputs);
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** What a runner is sent for this call. */
    public ServeRequest serveRequest() {
        return new ServeRequest(inputs, candidates, generation);
    }
}
