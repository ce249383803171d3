package io.modelcat.jobs.flow;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.UnknownTokenException;
import io.modelcat.jobs.spec.SpecError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders flow templates with Jinja (jinjava, the engine that renders chat templates on the runners). A name the
 * template uses that is neither an input nor an earlier step's output is an error, when the flow is saved (each
 * visible name stands for a sample value) and when a row is run.
 */
public final class FlowTemplates {

    private static final Jinjava JINJAVA = new Jinjava(JinjavaConfig.newBuilder()
            .withFailOnUnknownTokens(true)
            .withMaxOutputSize(1_000_000)
            .build());

    private FlowTemplates() {
    }

    /** The template rendered with these values; an {@link IllegalArgumentException} saying what failed. */
    public static String render(String template, Map<String, ?> values) {
        RenderResult result = JINJAVA.renderForResult(template, new HashMap<>(values));
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException(describe(fatal.get(0)));
        }
        return result.getOutput();
    }

    /** What is wrong with a template that may use {@code visible} names (each a text), as errors on {@code field}. */
    static List<SpecError> problems(String field, String template, Set<String> visible) {
        Map<String, Object> sample = new HashMap<>();
        visible.forEach(name -> sample.put(name, "sample " + name));
        return problems(field, template, sample);
    }

    /** What is wrong with a template rendered with these sample values, as errors on {@code field}. */
    static List<SpecError> problems(String field, String template, Map<String, Object> sample) {
        if (template.length() > StepVariant.MAX_TEMPLATE) {
            return List.of(new SpecError(field, "must be at most " + StepVariant.MAX_TEMPLATE + " characters"));
        }
        RenderResult result = JINJAVA.renderForResult(template, new HashMap<>(sample));
        return result.getErrors().stream().filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).limit(1)
                .map(e -> new SpecError(field, describe(e) + (sample.isEmpty() ? "" : " (the template may use "
                        + String.join(", ", new java.util.TreeSet<>(sample.keySet())) + ")")))
                .toList();
    }

    private static String describe(TemplateError error) {
        String message;
        if (error.getException() instanceof UnknownTokenException unknown) {
            message = "'" + unknown.getToken() + "' is not a name the template can use";
        } else {
            message = error.getMessage() == null ? error.getReason().toString() : error.getMessage();
        }
        return error.getLineno() > 0 ? "line " + error.getLineno() + ": " + message : message;
    }
}
