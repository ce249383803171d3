package io.modelcat.jobs.flow;

import io.modelcat.jobs.spec.SpecError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One step of a {@link Flow}: a prompt with its model and settings, in one or more variants (other wording, other
 * model). The first variant is the default.
 */
public record FlowStep(String name, List<StepVariant> variants) {

    public static final int MAX_VARIANTS = 10;

    public FlowStep {
        variants = Flow.listOf(variants);
    }

    public Optional<StepVariant> variant(String name) {
        return variants.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    List<SpecError> problems(String prefix, Set<String> visible) {
        List<SpecError> errors = new ArrayList<>();
        if (variants.isEmpty()) {
            errors.add(new SpecError(prefix + "variants", "must hold at least one variant"));
        } else if (variants.size() > MAX_VARIANTS) {
            errors.add(new SpecError(prefix + "variants", "must hold at most " + MAX_VARIANTS + " variants"));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < variants.size(); i++) {
            StepVariant variant = variants.get(i);
            String field = prefix + "variants[" + i + "].";
            if (variant == null) {
                errors.add(new SpecError(prefix + "variants[" + i + "]", "must be an object"));
                continue;
            }
            Flow.nameProblem(variant.name()).ifPresent(m -> errors.add(new SpecError(field + "name", m)));
            if (variant.name() != null && !names.add(variant.name())) {
                errors.add(new SpecError(field + "name", "'" + variant.name() + "' is the name of another variant"));
            }
            errors.addAll(variant.problems(field, visible));
        }
        return errors;
    }
}
