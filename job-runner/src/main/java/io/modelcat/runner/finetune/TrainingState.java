package io.modelcat.runner.finetune;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;

/**
 * What a fine-tune has done so far, saved beside its last epoch checkpoint so that another attempt
 * (after a crash or a hand-back) continues from there: epochs and steps done, the labels of the new
 * head, and the best validation figure for early stopping.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingState(int epochsDone, int stepsDone, List<String> labels, Double bestValidation,
                            int epochsWithoutImprovement, boolean stoppedEarly) {
}
