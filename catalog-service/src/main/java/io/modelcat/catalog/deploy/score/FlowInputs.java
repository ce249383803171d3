package io.modelcat.catalog.deploy.score;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcat.jobs.flow.Flow;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request shape of a flow deployment's {@code /score}: a JSON object of the flow's inputs, as prompt flow's
 * endpoints take them ({@code {"ticket": "The app crashes"}}). Strings are passed as they are; numbers and booleans
 * as their JSON text, objects and arrays too (a template sees text).
 */
public final class FlowInputs {

    private FlowInputs() {
    }

    /** A request in another shape: what was wrong, naming the field, and the shape that would have been read. */
    public static final class Invalid extends RuntimeException {
        Invalid(String problem, Flow flow) {
            super(problem + ". This deployment serves a prompt flow: send a JSON object of its inputs, "
                    + sketch(flow));
        }
    }

    /** The inputs of a call, each flow input given once and nothing else. */
    public static Map<String, String> read(JsonNode body, Flow flow) {
        if (body == null || !body.isObject()) {
            throw new Invalid("the body is " + (body == null ? "missing" : "a JSON " + body.getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT)), flow);
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!flow.inputs().contains(field.getKey())) {
                problems.add(field.getKey() + " is not an input of the flow");
            } else if (field.getValue().isNull()) {
                problems.add(field.getKey() + " is null; give it a value");
            } else {
                inputs.put(field.getKey(), field.getValue().isTextual() ? field.getValue().textValue()
                        : field.getValue().toString());
            }
        }
        for (String input : flow.inputs()) {
            if (!body.has(input)) {
                problems.add(input + " is required");
            }
        }
        if (!problems.isEmpty()) {
            throw new Invalid(String.join("; ", problems), flow);
        }
        return inputs;
    }

    /** The shape, e.g. {@code {"ticket": "<text>"}}. */
    public static String sketch(Flow flow) {
        StringBuilder out = new StringBuilder("{");
        for (String input : flow.inputs()) {
            out.append(out.length() > 1 ? ", " : "").append('"').append(input).append("\": \"<text>\"");
        }
        return out.append('}').toString();
    }
}
