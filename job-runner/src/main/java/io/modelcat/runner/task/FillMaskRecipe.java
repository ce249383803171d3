package io.modelcat.runner.task;

import io.modelcat.jobs.spec.PredictSpec;
import io.modelcat.jobs.task.Task;
import io.modelcat.ml.infer.FillMask;
import io.modelcat.ml.model.TransformerModel;
import java.util.List;
import java.util.Map;

/** Fill-mask: candidates for each mask token of a text (sample inference only, so far). */
final class FillMaskRecipe implements TaskRecipe {

    private static final int DEFAULT_CANDIDATES = 5;

    @Override
    public Task task() {
        return Task.FILL_MASK;
    }

    @Override
    public Object predict(TransformerModel model, PredictSpec spec, int maxLength) {
        int topK = spec.candidates() == null ? DEFAULT_CANDIDATES : spec.candidates();
        List<FillMask.MaskPrediction> masks = new FillMask(model, 1, maxLength)
                .fill(RowValues.input(spec, "text"), topK);
        if (masks.isEmpty()) {
            throw new IllegalArgumentException("the text has no mask token to fill");
        }
        return masks.stream().map(m -> Map.of("position", m.position(), "candidates", m.candidates().stream()
                .map(c -> Map.of("token", c.token(), "score", c.score())).toList())).toList();
    }
}
