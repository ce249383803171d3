package io.modelcat.jobs.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelcat.jobs.JobKind;
import io.modelcat.jobs.task.Task;
import java.util.List;
import java.util.Map;

/**
 * Run one input through a model for the task its card names: sample inference ("Try it").
 *
 * @param inputs     the task's inputs by name ({@link Task#predictInputs()}: text, text2, question, context)
 * @param candidates fill-mask: candidates per mask; null for the default
 * @param generation text generation: how to generate; null for greedy with the default length
 * @param messages   text generation: null, or a conversation whose rendering by the model's chat template
 *                   is the prompt (in place of the {@code text} input)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictSpec(Task task, String artifactUri, Map<String, String> inputs, Integer candidates,
                          Generation generation, List<ChatMessage> messages) implements JobSpec {

    @com.fasterxml.jackson.annotation.JsonCreator
    public PredictSpec {
        messages = messages == null ? null : List.copyOf(messages);
    }

    public PredictSpec(Task task, String artifactUri, Map<String, String> inputs, Integer candidates,
                       Generation generation) {
        this(task, artifactUri, inputs, candidates, generation, null);
    }

    /** Greedy unless a temperature over 0, a top-k or a top-p asks for sampling. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Generation(Integer maxNewTokens, Double temperature, Integer topK, Double topP, Long seed) {
    }

    @Override
    public JobKind kind() {
        return JobKind.PREDICT;
    }
}
