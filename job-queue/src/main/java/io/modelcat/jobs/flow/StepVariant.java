package io.modelcat.jobs.flow;

import io.modelcat.jobs.spec.SpecError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One way of running a step: the model ({@code <connection>/<model>}, as the LLM mesh names it), the system and
 * user message templates (Jinja, seeing the flow's inputs and earlier steps' outputs), generation settings and how
 * the answer is read.
 *
 * @param system      optional system message template
 * @param prompt      the user message template
 * @param temperature null: the provider's default
 * @param maxTokens   null: the provider's default
 * @param parser      null: the answer's text as it is
 */
public record StepVariant(String name, String model, String system, String prompt, Double temperature,
                          Integer maxTokens, OutputParser parser) {

    public static final int MAX_TEMPLATE = 100_000;

    /** The parser, plain text when none is given. */
    public OutputParser parserOrText() {
        return parser == null ? OutputParser.TEXT : parser;
    }

    List<SpecError> problems(String prefix, Set<String> visible) {
        List<SpecError> errors = new ArrayList<>();
        if (model == null || model.isBlank()) {
            errors.add(new SpecError(prefix + "model", "is required: '<connection>/<model>' as GET /api/v1/llm/v1/models "
                    + "lists them"));
        } else if (model.indexOf('/') <= 0 || model.endsWith("/")) {
            errors.add(new SpecError(prefix + "model", "'" + model + "' is not '<connection>/<model>'"));
        }
        if (prompt == null || prompt.isBlank()) {
            errors.add(new SpecError(prefix + "prompt", "is required: the user message's template"));
        } else {
            errors.addAll(FlowTemplates.problems(prefix + "prompt", prompt, visible));
        }
        if (system != null) {
            errors.addAll(FlowTemplates.problems(prefix + "system", system, visible));
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
            errors.add(new SpecError(prefix + "temperature", "must be from 0 to 2, got " + temperature));
        }
        if (maxTokens != null && (maxTokens < 1 || maxTokens > 1_000_000)) {
            errors.add(new SpecError(prefix + "maxTokens", "must be from 1 to 1000000, got " + maxTokens));
        }
        if (parser != null) {
            errors.addAll(parser.problems(prefix + "parser."));
        }
        return errors;
    }
}
