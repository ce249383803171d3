package io.modelcat.jobs.flow;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.InvalidArgumentException;
import com.hubspot.jinjava.interpret.InvalidInputException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.TemplateSyntaxException;
import com.hubspot.jinjava.interpret.UnknownTokenException;
import io.modelcat.jobs.spec.SpecError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders flow templates with Jinja (jinjava, the engine that renders chat templates on the runners). A name the
 * template uses that is neither an input nor an earlier step's output is an error, when the flow is saved (each
 * visible name stands for a sample value) and when a row is run.
 *
 * <p>One engine renders every template. Jinjava's own {@code renderForResult} builds a new root context for each
 * render (registering every default filter, tag, test and function again: a quarter of a bulk test's runner CPU);
 * here each thread builds one root context once and renders each template in a fresh child of it. A root context is
 * not shared between threads: a render writes what it resolved up into its parents, which {@code reset} clears.
 */
public final class FlowTemplates {

    private static final JinjavaConfig CONFIG = JinjavaConfig.newBuilder()
            .withFailOnUnknownTokens(true)
            .withMaxOutputSize(1_000_000)
            .build();
    private static final Jinjava JINJAVA = new Jinjava(CONFIG);
    private static final ThreadLocal<Context> ROOT = ThreadLocal.withInitial(JINJAVA::getGlobalContextCopy);

    private FlowTemplates() {
    }

    /** The template rendered with these values; an {@link IllegalArgumentException} saying what failed. */
    public static String render(String template, Map<String, ?> values) {
        Rendered result = renderForResult(template, values);
        List<TemplateError> fatal = result.errors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).toList();
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException(describe(fatal.get(0)));
        }
        return result.output();
    }

    /** A render's text (null when it broke off) and its errors. */
    private record Rendered(String output, List<TemplateError> errors) {
    }

    /** What Jinjava's {@code renderForResult} does, in a child of this thread's root context. */
    private static Rendered renderForResult(String template, Map<String, ?> values) {
        Context root = ROOT.get();
        JinjavaInterpreter interpreter = new JinjavaInterpreter(JINJAVA,
                new Context(root, new HashMap<>(values), CONFIG.getDisabled()), CONFIG);
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            String output = interpreter.render(template);
            return new Rendered(output, interpreter.getErrorsCopy());
        } catch (TemplateSyntaxException e) {
            return failed(interpreter, TemplateError.fromException(e));
        } catch (InterpretException e) {
            return failed(interpreter, TemplateError.fromSyntaxError(e));
        } catch (InvalidArgumentException e) {
            return failed(interpreter, TemplateError.fromInvalidArgumentException(e));
        } catch (InvalidInputException e) {
            return failed(interpreter, TemplateError.fromInvalidInputException(e));
        } catch (RuntimeException e) {
            return failed(interpreter, TemplateError.fromException(e));
        } finally {
            root.reset();
            JinjavaInterpreter.popCurrent();
        }
    }

    private static Rendered failed(JinjavaInterpreter interpreter, TemplateError error) {
        List<TemplateError> errors = new ArrayList<>();
        errors.add(error);
        errors.addAll(interpreter.getErrorsCopy());
        return new Rendered("", errors);
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
        return renderForResult(template, sample).errors().stream().filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL).limit(1)
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
