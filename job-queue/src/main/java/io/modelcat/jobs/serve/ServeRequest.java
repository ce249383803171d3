package io.modelcat.jobs.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.modelcat.jobs.spec.PredictSpec;
import java.util.List;
import java.util.Map;

/**
 * What the gateway (catalog-service) sends to a runner serving a deployment instance: one or more
 * inputs of the deployment's task, each by the task's input names ({@code text}, {@code text2},
 * {@code question}, {@code context}), answered in order by {@link ServeResponse}.
 *
 * @param candidates fill-mask: candidates per mask; null for the default
 * @param generation text generation: how to generate; null for greedy with the default length
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServeRequest(List<Map<String, String>> inputs, Integer candidates, PredictSpec.Generation generation) {

    /** The header carrying the instance's secret; a runner answers nothing without it. */
    public static final String SECRET_HEADER = "X-ModelCat-Instance-Secret";

    public ServeRequest {
        inputs = List.copyOf(inputs);
    }
}
