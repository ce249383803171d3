package io.modelcat.jobs.flow;

import io.modelcat.jobs.spec.SpecError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A prompt flow (docs/flows.md): named inputs and an ordered list of steps, each a prompt sent to an LLM through
 * the mesh. A step's template sees the flow's inputs and the outputs of the steps before it, by name; the last
 * step's output is the flow's {@code output}. A single prompt is a flow of one step.
 *
 * @param inputs the names the templates use for the row's values
 */
public record Flow(String description, List<String> inputs, List<FlowStep> steps) {

    /** How inputs, steps and variants may be named: they are template variables. */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    public static final int MAX_STEPS = 20;
    public static final int MAX_INPUTS = 50;
    /** The name under which the last step's output is also found. */
    public static final String OUTPUT = "output";

    public Flow {
        inputs = Flow.listOf(inputs);
        steps = Flow.listOf(steps);
    }

    /** Everything wrong with the flow, each naming its field under {@code prefix} (e.g. {@code flow.steps[1].prompt}). */
    public List<SpecError> problems(String prefix) {
        List<SpecError> errors = new ArrayList<>();
        if (description != null && description.length() > 2000) {
            errors.add(new SpecError(prefix + "description", "must be at most 2000 characters"));
        }
        if (inputs.size() > MAX_INPUTS) {
            errors.add(new SpecError(prefix + "inputs", "must list at most " + MAX_INPUTS + " names"));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < inputs.size(); i++) {
            String input = inputs.get(i);
            String field = prefix + "inputs[" + i + "]";
            nameProblem(input).ifPresent(m -> errors.add(new SpecError(field, m)));
            if (input != null && !names.add(input)) {
                errors.add(new SpecError(field, "'" + input + "' is listed twice"));
            }
            if (OUTPUT.equals(input)) {
                errors.add(new SpecError(field, "'output' is the name of the flow's output; choose another name"));
            }
        }
        if (steps.isEmpty()) {
            errors.add(new SpecError(prefix + "steps", "must hold at least one step"));
        } else if (steps.size() > MAX_STEPS) {
            errors.add(new SpecError(prefix + "steps", "must hold at most " + MAX_STEPS + " steps"));
        }
        Set<String> known = new HashSet<>();
        inputs.stream().filter(java.util.Objects::nonNull).forEach(known::add);
        for (int i = 0; i < steps.size(); i++) {
            FlowStep step = steps.get(i);
            String field = prefix + "steps[" + i + "].";
            if (step == null) {
                errors.add(new SpecError(prefix + "steps[" + i + "]", "must be an object"));
                continue;
            }
            nameProblem(step.name()).ifPresent(m -> errors.add(new SpecError(field + "name", m)));
            if (step.name() != null && (names.contains(step.name()) || OUTPUT.equals(step.name()))) {
                errors.add(new SpecError(field + "name", "'" + step.name() + "' is already the name of an input, of an "
                        + "earlier step or of the flow's output"));
            }
            errors.addAll(step.problems(field, Set.copyOf(known)));
            if (step.name() != null) {
                names.add(step.name());
                known.add(step.name());
            }
        }
        return errors;
    }

    /** The step of that name. */
    public Optional<FlowStep> step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * What is wrong with a choice of variants ({@code {"label": "terse"}}), each naming its field under
     * {@code prefix} (e.g. {@code variants.label}): a step the flow does not have, or a variant its step does not have.
     */
    public List<SpecError> variantProblems(Map<String, String> chosen, String prefix) {
        List<SpecError> errors = new ArrayList<>();
        chosen.forEach((step, variant) -> {
            FlowStep found = step(step).orElse(null);
            if (found == null) {
                errors.add(new SpecError(prefix + step, "is not a step of the flow; its steps are " + steps.stream()
                        .map(FlowStep::name).collect(java.util.stream.Collectors.joining(", "))));
            } else if (variant == null || found.variant(variant).isEmpty()) {
                errors.add(new SpecError(prefix + step, "step '" + step + "' has no variant '" + variant
                        + "'; its variants are " + found.variants().stream().map(StepVariant::name)
                        .collect(java.util.stream.Collectors.joining(", "))));
            }
        });
        return errors;
    }

    /** Each step's first variant: what runs unless a variant is chosen. */
    public Map<String, String> defaultVariants() {
        Map<String, String> chosen = new LinkedHashMap<>();
        steps.forEach(s -> chosen.put(s.name(), s.variants().get(0).name()));
        return chosen;
    }

    /** Every model the flow calls, in any variant. */
    public Set<String> models() {
        Set<String> models = new java.util.TreeSet<>();
        steps.forEach(s -> s.variants().forEach(v -> models.add(v.model())));
        return models;
    }

    /**
     * An unchangeable copy that keeps null elements (unlike {@link List#copyOf}): a request's {@code [null]} is then
     * named by the checks instead of failing them.
     */
    static <T> List<T> listOf(List<T> given) {
        return given == null ? List.of() : java.util.Collections.unmodifiableList(new ArrayList<>(given));
    }

    static Optional<String> nameProblem(String name) {
        if (name == null || name.isBlank()) {
            return Optional.of("is required");
        }
        return NAME.matcher(name).matches() ? Optional.empty()
                : Optional.of("'" + name + "' is not a name: use letters, digits and '_', starting with a letter or '_' "
                + "(at most 64 characters), as templates refer to it");
    }
}
