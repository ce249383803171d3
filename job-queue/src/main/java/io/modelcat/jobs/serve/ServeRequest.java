package io.modelcat.jobs.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelcat.jobs.spec.ChatMessage;
import io.modelcat.jobs.spec.PredictSpec;
import java.util.List;
import java.util.Map;

/**
 * What the gateway (catalog-service) sends to a runner serving a deployment instance: one or more
 * inputs of the deployment's task, each by the task's input names ({@code text}, {@code text2},
 * {@code question}, {@code context}), answered in order by {@link ServeResponse} (or, on the streaming
 * route, by {@link ServeEvent}s).
 *
 * @param candidates fill-mask: candidates per mask; null for the default
 * @param generation text generation: how to generate; null for greedy with the default length
 * @param seeds      text generation: null, or one sampling seed per input that replaces
 *                   {@code generation.seed} for that input (several choices of one prompt each draw
 *                   their own tokens)
 * @param messages   text generation: null, or a conversation that the model's chat template renders
 *                   into the prompt of every input (whose {@code text} is then absent; see {@link PredictSpec})
 * @param promptIds  text generation: null, or one tokenized prompt per input (whose {@code text} is then absent; see
 *                   {@link PredictSpec#promptIds()})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServeRequest(List<Map<String, String>> inputs, Integer candidates, PredictSpec.Generation generation,
                           List<Long> seeds, List<ChatMessage> messages, List<List<Long>> promptIds) {

    /** The header carrying the instance's secret; a runner answers nothing without it. */
    public static final String SECRET_HEADER = "X-ModelCat-Instance-Secret";

    @com.fasterxml.jackson.annotation.JsonCreator
    public ServeRequest {
        inputs = List.copyOf(inputs);
        seeds = seeds == null ? null : List.copyOf(seeds);
        messages = messages == null ? null : List.copyOf(messages);
        promptIds = promptIds == null ? null : promptIds.stream().map(List::copyOf).toList();
        if (seeds != null && seeds.size() != inputs.size()) {
            throw new IllegalArgumentException("seeds: " + seeds.size() + " for " + inputs.size() + " inputs");
        }
        if (promptIds != null && promptIds.size() != inputs.size()) {
            throw new IllegalArgumentException("promptIds: " + promptIds.size() + " for " + inputs.size() + " inputs");
        }
    }

    public ServeRequest(List<Map<String, String>> inputs, Integer candidates, PredictSpec.Generation generation) {
        this(inputs, candidates, generation, null, null, null);
    }

    /** The tokenized prompt of input {@code index}, or null when its prompt is text (or a chat). */
    public List<Long> promptIdsOf(int index) {
        return promptIds == null ? null : promptIds.get(index);
    }

    /** The generation settings of input {@code index}: its own seed when {@link #seeds} gives one. */
    public PredictSpec.Generation generationOf(int index) {
        if (seeds == null) {
            return generation;
        }
        PredictSpec.Generation g = generation == null ? new PredictSpec.Generation(null, null, null, null, null)
                : generation;
        return g.withSeed(seeds.get(index));
    }
}
